"""English note templates for the fifth PII set; {KEY} slots are filled by make_fifth_set.py."""

# Keys: N name (mixed forms), NS "SURNAME, Given", NI "J. Smith", NF first name, NL surname,
# NC chat lower-case, NK romanised Korean, NA ALL CAPS; MRN, ADDR, DOB, PH, EM, SSN, RRN, KADDR.
# Decoys (never labelled): VIT LAB DOSE DUR VD AGE EPO SCALE PLACE UNIT ROOM ORD ICD SER SVC DRUG.
# A digit after a key (N1, N2) reuses the same value inside one note.

TEMPLATES_EN = [
    # military sick call / fitness for duty / MEDEVAC
    "SICK CALL 0615 | SPC {N1} | {UNIT} | c/o L ankle pain after ruck march {DUR} | {VIT} | profile 14 days",
    "Sick call note: PFC {NA} presented to the aid station with cough {DUR}. {VIT}. {SVC}. Returned to duty.",
    "FITNESS-FOR-DUTY BOARD\nMember: {NS1}\nSSN: {SSN}\nDOB: {DOB}\nUnit: {UNIT}\nFinding: {EPO} not compatible with continued service at {PLACE}.",
    "MEDEVAC REQUEST line 3: 1 urgent. Line 4: none. Pt {N1}, {AGE}, GCS dropping, {VIT}. Destination {PLACE}. Callback {PH}.",
    "9-line sent 14:32 for casualty {NL1} ({UNIT}). Evac to {PLACE}. No PII over radio; roster copy with SSN {SSN} hand-carried by Sgt. {N2}.",
    "Profile review {VD}: SGT {N1}'s knee {ICD}, limited duty, re-eval in 30 days at {PLACE}. {SVC}.",
    "Battalion aid station log\n{NS1} | {SVC} | {VIT} | dehydration | 2 L NS | RTD\n{NS2} | {SVC} | {VIT} | heat cramps | PO fluids | RTD",
    "Home of record: {ADDR}. NOK: {N1} (spouse), {PH}. Member {NA2}, {UNIT}, deploying to {PLACE}.",
    # mental-health therapy notes
    "Session 7 ({VD}). {N1} reports nightmares decreased; {SCALE}, {SCALE}. Discussed sister's visit. Plan: continue {DOSE}.",
    "Therapy note. Client: {N1} (DOB {DOB}). Presenting: panic attacks since the move to {PLACE}. {SCALE}. Safety plan reviewed; emergency contact {N2} at {PH}.",
    "Pt stated she hopes to return to work; mood rose after the group session. {SCALE}. No SI. Next session {VD}. Clinician: {N1}, LCSW.",
    "Couples session with {NF1} and {NF2}. {NF1} interrupted frequently. Homework: weekly check-in. {SCALE}.",
    "Intake: {N1}, born {DOB}, referred by Dr. {NL2} for {ICD}. Lives at {ADDR}. Phone {PH}. AUDIT-C and PHQ-9 pending.",
    "Mr. {N1} declined the {SCALE} today; his wife {NF2} at bedside. Addison's crisis ruled out, {LAB}.",
    # genetic counselling letters
    "Dear {N1},\nThank you for meeting with us on {VD} to discuss your family history of {EPO}. Your sample (MRN {MRN}) was sent to the reference lab.\nKind regards,\n{N2}, MS, CGC",
    "Genetic counselling summary for {NS1}, date of birth {DOB}. Proband's maternal aunt had {EPO}; father had {EPO}. Pedigree reviewed; cascade testing offered to brother {NF2}.",
    "Pedigree notes: II-3 ({NI1}) affected; II-4 unaffected; III-1 is the consultand, {N2}, DOB {DOB}. Variant of uncertain significance, {SER}.",
    "[{N1}] requests records be sent to new address {ADDR}; verified DOB {DOB} and last 4 only. Contact {EM}.",
    "Referred from Walter Reed for Hodgkin lymphoma staging: {NS1}, DOB {DOB}, MRN {MRN}. Busan-born, moved to Texas at age 9.",
    # court-ordered record requests
    "SUBPOENA DUCES TECUM, {ORD}. The custodian of records shall produce all records for {NA1}, date of birth {DOB}, social security number {SSN}, MRN {MRN}, for treatment between {VD} and {VD}.",
    "Court order received {VD} re: patient {N1}. Attorney {N2} ({EM}) requests records be mailed to {ADDR}.",
    "Per the protective order in {ORD}, we release only the discharge summary of {NS1} (MRN {MRN}). Contact paralegal {N2} at {PH}.",
    # insurance appeals
    "RE: Appeal of denied claim, {ORD}\nMember: {N1}\nMember DOB: {DOB}\nWe request reconsideration of the denial of {DOSE} for {EPO}. Prior trials failed.",
    "Second-level appeal. The patient, {N1}, {AGE}, has {EPO} ({ICD}). Prior authorization for Lyrica was denied {VD}. Please call me at {PH}. {N2}, MD",
    "Insurance appeal letter for {NS1} | SSN {SSN} | policy holder {N2} | claim {ORD}",
    # hospice and home-care diaries
    "Home visit {VD}. {NF1} resting in recliner, daughter {NF2} present. {VIT}. Morphine increased. Lavender and a rose from the garden on the sill.",
    "Hospice diary: {N1} asked for her grandson {NF2}. Breathing irregular, {VIT}. Chaplain visited. Family phone {PH}.",
    "Home-care visit at {ADDR}. Patient {N1} ({AGE}) with {EPO}; {SCALE}. Wound dressed, {SER} dressing used.",
    "Bereavement call list:\n- {N1} (wife) {PH}\n- {N2} (son) {EM}\n- {N3} (neighbour)",
    # nursing flow sheets, telegraphic
    "0200 {VIT}. pt asleep. 0400 {VIT}, {LAB}. 0600 {NF1} up to chair, voided. RN {NI2}.",
    "Flow sheet {ROOM}: {VIT} | {LAB} | I/O 1200/900 | pain 3/10 | RN {N1}",
    "Shift hx: Pt {NA1} {AGE} {ROOM}. {EPO}. {DOSE} given 2100. Fall risk high. Family ({NF2}) updated by phone {PH}.",
    "{VIT}; {LAB}; {DOSE}; turned q2h; Braden 14; no visitors; {ROOM}.",
    "Will {NL1} be on the unit tomorrow? Rich diet tolerated. Hope to discharge after {LAB} recheck.",
    # ED triage lines
    "TRIAGE 03:12 | {AGE} | chest pain {DUR} | {VIT} | ESI 2 | {ROOM} | MRN {MRN}",
    "ED triage: {N1}, DOB {DOB}, arrived by EMS from {ADDR}. {VIT}. Hx {EPO}.",
    "ED: {AGE} found down at bus stop, GCS 12, {LAB}. Unknown identity, tagged as trauma alias {ORD}. No ID on person.",
    "Triage nurse {NI1}: walk-in with laceration L hand {DUR}, {VIT}. Tdap given, {SER}.",
    # e-mail threads with signatures
    "From: {N1} <{EM1}>\nTo: {EM2}\nSubject: bed request\n\nHi {NF2}, can we move the {AGE} from {ROOM} before 3? MRN {MRN}.\n\nThanks,\n{NF1}\nCharge Nurse | {PH}",
    "> On {VD}, {N1} wrote:\n> Can someone cover clinic Friday?\nI can. -- {N2}\n{EM2}",
    "Hi all, reminder that the {EPO} case conference is moved to Rm 204. Contact {EM} with questions.\nBest,\n{N1}\nResearch Coordinator\n{PH}",
    "Email from pt's daughter ({EM}): asks whether her father {N1} can get the flu shot before discharge. Replied by phone {PH}.",
    # SMS reminders
    "SMS: Hi {NC1}! reminder: your appt w/ Dr {NL2} is tmrw 9:30am. Reply C to confirm. Questions? {PH}",
    "text from {NC1}: cant make it 2day, car broke. can u call {PH}",
    "Reminder: fasting labs at 8am, {LAB} last time. No reply needed.",
    # research consent logs
    "Consent log | {VD} | {N1} | v3.2 | witness {N2} | copy given | contact {EM}",
    "Research consent: participant {NS1} (MRN {MRN}) consented to sub-study; declined genetic banking. {SCALE} at baseline.",
    "Screening failure {VD}: {AGE}, {LAB} out of range. No identifiers recorded. Study {ORD}.",
    "Participants enrolled today:\n{NS1}\n{NS2}\n{NS3}\nAll consented by {NI4}. Young adults only; NIH grant pending.",
    # interpreter request forms
    "INTERPRETER REQUEST\nPatient: {NK1}\nLanguage: Korean\nDOB: {DOB}\nRRN on file: {RRN}\nContact: {PH}\nAppointment: {VD}",
    "Korean interpreter for {NK1} (home address in Korea: {KADDR}; local: {ADDR}). Son {NK2} will attend.",
    "Interpreter needed (Vietnamese) for {N1} at 10:00; family contact {N2}, {PH}.",
    "Spanish interpreter {N1} (badge {SER}) present for the consent of {N2}.",
    # prison/correctional health notes
    "Correctional health note. Inmate {NA1}, booking {ORD}, DOB {DOB}. Withdrawal watch; CIWA 14. {DOSE}.",
    "Sick call slip: I/M {NS1} c/o toothache {DUR}. Seen by {NI2}, PA-C. {VIT}.",
    "Transfer summary to {PLACE}: {N1}, SSN {SSN}, MRN {MRN}, on {DOSE}.",
    "Release plan: I/M {NS1} to be released {VD} to {ADDR}. Follow-up at county clinic; {DOSE}.",
    # public-health contact tracing logs
    "Contact tracing {VD}: index case {N1} ({PH}) named contacts {N2} and {N3}; both asymptomatic. {ICD}.",
    "Case #{ORD} | {NS1} | {ADDR} | onset {VD} | exposure at {PLACE} | {EM}",
    "Outbreak line list, {PLACE}: 14 cases, 3 admitted, {LAB} median. No names in this summary.",
    "Follow-up call to {N1} failed; voicemail left at {PH}. Will try {EM}.",
]
