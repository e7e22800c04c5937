"""EnglishKnownNameRecognizer: names from the shipped lists by case, order and context, and the decoys it must leave."""

import pytest

from synthgate.privacy.recognizers.en_known_name import EnglishKnownNameRecognizer


@pytest.fixture(scope="module")
def recognizer():
    return EnglishKnownNameRecognizer()


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Intake: SHEPHERD, PAIGE arrived", ["SHEPHERD, PAIGE"]),
        ("Discharge for Grant, Melissa R. today", ["Grant, Melissa R"]),
        ("Lloyd, Patrick was seen", ["Lloyd, Patrick"]),
        ("ADMIT AARON D GONZALEZ TO 5B", ["AARON D GONZALEZ"]),
        ("PT NAME TERESA K LUNDGREN ALLERGIES", ["TERESA K LUNDGREN"]),
        ("AMY SANCHEZ REFUSED", ["AMY SANCHEZ"]),
        ("can u call kyle c back at 720", ["kyle c"]),
        ("kristin shaw called the desk", ["kristin shaw"]),
        ("pls ask beth to bring it", ["beth"]),
        ("spoke with mark cross about it", ["mark cross"]),
        ("Do yun Jang arrived", ["Do yun Jang"]),
        ("Choi Min-jun and Young-ho Kim", ["Choi Min-jun", "Young-ho Kim"]),
        ("Ha eun Yoon declined", ["Ha eun Yoon"]),
        ("Referral by Brett Rivera-Garcia", ["Brett Rivera-Garcia"]),
        ("Michelle A. Clarke signed", ["Michelle A. Clarke"]),
        ("Heidi van der Berg and Ronnie St. Clair", ["Heidi van der Berg", "Ronnie St. Clair"]),
        ("nurse Paige said so", ["Paige"]),
        ("Dr Leblanc reviewed the MRI with Mariah", ["Leblanc", "Mariah"]),
        ("signed by Jason MacLeod", ["Jason MacLeod"]),
        ("father Tobias reports fever", ["Tobias"]),
        ("patient Ana's mother called", ["Ana"]),
        ("Amy Day moved", ["Amy Day"]),
        ("Lisa Roberts-Kowalski and Isaiah McKenna", ["Lisa Roberts-Kowalski", "Isaiah McKenna"]),
        ("외국인 보호자 Leslie T. Lawson 씨와 통화", ["Leslie T. Lawson"]),
    ],
)
def test_names_are_found(found, recognizer, text, names):
    # Run
    spans = [s for s, _ in found(recognizer, text, 0.5)]

    # Assert
    assert spans == names


@pytest.mark.parametrize(
    "text",
    [
        "History of Parkinson's disease", "Alzheimer's dementia", "Crohn's disease flare", "Hodgkin lymphoma",
        "Down syndrome", "Babinski sign negative", "Apgar 8 and 9", "MoCA 21/30 and MMSE 24", "Glasgow Coma Scale 15",
        "Transferred from Walter Reed", "a clinic in Ohio", "the VA in Baltimore, MD", "Seoul National University",
        "Started metformin and lisinopril", "will mark the chart and call back", "the patient was seen",
        "grant access to the portal", "Grant Hospital admitted", "Lance Cpl reported", "Med Rec done",
        "patient reports mild pain", "pt walked to the desk", "called the pharmacy",
    ],
)
def test_decoys_are_left(found, recognizer, text):
    # Run / Assert
    assert found(recognizer, text, 0.5) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Name: WILSON, Latasha\nMRN: 1", ["WILSON, Latasha"]),
        ("[chat] dean: can u check bed 12?", ["dean"]),
        ("[chat] mark levine: pt in bed 4", ["mark levine"]),
        ("hi, this is danielle white, my email is", ["danielle white"]),
        ("Caller: hi, this is matthew, call back", ["matthew"]),
        ("hey julie covering for tonight", ["julie"]),
    ],
)
def test_chart_and_chat_name_shapes_are_found(found, recognizer, text, names):
    # Run
    spans = [s for s, _ in found(recognizer, text, 0.5)]

    # Assert
    assert spans == names


@pytest.mark.parametrize(
    "text",
    [
        "Note: WILSON disease, Kayser rings",  # no given name after the comma
        "Plan: start metformin\nNote: see above",  # line labels before a colon are no given names
        "this is mark of a rash",
        "hey team, bed 12 is free",
        "Dx: Colles fracture",
    ],
)
def test_chat_and_comma_decoys_are_left(found, recognizer, text):
    # Run / Assert
    assert found(recognizer, text, 0.5) == []
