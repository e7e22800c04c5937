"""Write the NAME tuning set (name_sentences.jsonl): hand-written hard PERSON cases and decoys, fake names.

Run: .venv/bin/python tests/data/pii_eval/make_name_sentences.py [OUT_DIR]

Every name is made up from common given names and surnames; every other value is invented.
A sentence is written with its names in [[double brackets]]; the brackets are removed and
each becomes a PERSON span. Sentences with no brackets are decoys (no PERSON at all).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

EN = [
    "Intake sheet: [[HOLLOWAY, DENISE]] arrived by wheelchair at 09:40.",
    "Discharge summary for [[Grant, Melissa R.]], follow-up in two weeks.",
    "ADMIT: [[CARLOS M FIGUEROA]] TO WARD 5B FOR OBSERVATION",
    "PT NAME [[TERESA K LUNDGREN]] ALLERGIES NKDA",
    "txt from night shift: pls ring [[megan h]] re her insulin pens",
    "left vm for [[derek s]], will try again tomorrow",
    "chat: can someone ask [[rachel]] to sign the consent",
    "spoke with [[gloria fischer]] about transport home",
    "Interpreter booked for [[Seo-yeon Park]] and her husband.",
    "[[Ji ho Lim]] declined the flu vaccine today.",
    "Follow-up call to [[Kang Hye-jin]] completed, no concerns.",
    "Referral letter signed by [[Victoria Barnes-Whitfield]].",
    "Seen by [[Dr. Okafor]] on the ward round; nurse [[Bianca]] present.",
    "[[Hannah]]'s mother brought the medication list.",
    "Pt's caregiver [[Rosalind Ng]] will collect the prescription.",
    "Father [[Tobias]] reports fever since Monday.",
    "Guardian [[Lorenzo de la Cruz]] consented by phone.",
    "History of Parkinson's disease and Alzheimer's dementia; MoCA 21/30, MMSE 24.",
    "Crohn's disease flare; Hodgkin lymphoma in remission; Down syndrome.",
    "Babinski sign negative, Apgar 8 and 9, Glasgow Coma Scale 15.",
    "Transferred from Walter Reed to a clinic in Ohio, then the VA in Baltimore, MD.",
    "Started metformin and lisinopril; stop warfarin before surgery.",
    "will mark the chart and call back after the scan",
    "The patient was seen and examined; grant access to the portal.",
]
KO = [
    "퇴원 안내: 성명 [[남궁 민]] / 병동 7층",
    "보호자 [[최 순이]] 님께 설명함.",
    "[[박말순]] 님 식사량 감소.",
    "할머니 [[김점례]] 환자 혈압 측정함.",
    "주 보호자는 배우자 [[유 점례]]임.",
    "상병 [[고 혁]]은 야간 근무 후 두통 호소.",
    "서명: [[홍 분이]] (본인)",
    "[[조분이]] 씨가 외래에 내원함.",
    "본인 [[임 덕배]] 확인 후 서명 받음.",
    "[[황보 영]] 보호자와 통화함.",
    "[[이순자]] 환자는 정맥 주사 후 구토 있음.",
    "전원: [[서 윤]](여/81세), 차트 2021-4471",
    "정맥 확보 후 조직검사 시행, 이상소견 없음.",
    "신장기능 저하, 안구건조 및 고혈압 병력.",
    "임상 경과 양호, 한방 치료 병행, 배뇨 곤란 호소.",
    "유방 초음파 정상, 강직 없음, 방광 잔뇨 측정.",
    "진단명: 파킨슨병, 구토 2회.",
    "환자 이송 후 기분이 좋아짐, 성분이 같은 약으로 교체.",
]


def records(lang: str, sentences: list[str]) -> list[dict]:
    """Strips the brackets from each sentence and returns the labelled records."""
    out = []
    for n, marked in enumerate(sentences):
        text, spans = "", []
        for piece in re.split(r"(\[\[.*?\]\])", marked):
            if piece.startswith("[["):
                name = piece[2:-2]
                # A title belongs to the sentence, not to the name: "Dr. Okafor" labels Okafor.
                lead = re.match(r"(?:Dr\.|Mr\.|Ms\.)\s", name)
                start = len(text) + (lead.end() if lead else 0)
                text += name
                spans.append({"start": start, "end": len(text), "entity": "PERSON"})
            else:
                text += piece
        out.append({"id": f"n{lang}-{n:03d}", "lang": lang, "spans": spans, "text": text})
    return out


def main(out: Path) -> Path:
    """Writes name_sentences.jsonl under ``out`` and returns its path."""
    path = out / "name_sentences.jsonl"
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records("en", EN) + records("ko", KO)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    print(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent))
