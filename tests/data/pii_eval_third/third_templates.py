"""Note templates (Korean and English) for the third PII evaluation set; {SLOT}s are filled by third_values."""

# Korean genres: 응급실 분류, 방문간호, 약국 복약지도, 군 의무대, 보험 청구, 콜센터, 의뢰 메일, 메신저 대화.
# {J:이/가} writes the particle that fits the slot just before it (the particle stays outside the span).
KO_TEMPLATES: list[str] = [
    # 응급실 분류 기록
    "{KNAME} 환자({KDOB}생) {KVISIT} 새벽 흉통으로 내원. {KVITALS}. 병록번호 {MRN}.",
    "[응급실 분류] 등록번호: {MRN} / 성명: {KNAME} / 주민등록번호 {RRN} / 보호자 연락처 {KPHONE}. 주호소: {KDUR} 전부터 복통, {KWORD} 있음.",
    "{KNAME}{J:이/가} {KPLACE}에서 전원됨. 의식 명료, {SCALE}. 과거력: {KEPONYM}. 보호자 {KNAME}님 연락처 {KPHONE}.",
    "119 구급대 인계: 환자 {KNAME}, 주소 {KADDR}, 낙상 후 {KDUR} 경과. {KVITALS}, 손목 통증 호소.",
    "트리아지 KTAS 3. {KVITALS}. 특이사항 없음, {KROOM} 배정. {KWORD} 확인 필요.",
    "응급의학과 {KNAME} 전공의 메모: 환자 생년월일 {KDOB}, 등록번호 {MRN}, {KEPONYM} 의심으로 신경과 협진 요청.",
    # 방문간호 기록
    "방문간호 기록 {KVISIT}: {KNAME} 어르신 댁({KADDR}) 방문. {KVITALS}. {KDOSE} 복용 확인함.",
    "오늘 {KNAME}님 댁 방문했습니다. 욕창 2단계, {SCALE}. 따님 {KNAME}씨에게 드레싱 방법 교육. 다음 방문 {KVISIT}.",
    "재가 방문: 대상자 {KNAME}({KDOB}생), 독거. 주 보호자 연락처 {KPHONE}. {KWORD}, 식사량 감소.",
    "방문 결과: {KVITALS}, 하지 부종 경미. 인슐린 자가주사 교육. 특이 소견 없음.",
    "{KNAME}{J:은/는} 거동 불편으로 방문간호 신청. 주소: {KADDR}. 연락처 {KPHONE}. 장기요양 등급 3등급.",
    # 약국 복약지도
    "복약지도: {KNAME}님, {KDOSE} 처방. 식후 30분 복용, {KDUR} 후 재방문. 처방전 {ORDER}.",
    "약국 상담 메모 - {KNAME} 고객({KPHONE}) 와파린 복용 중, INR {LAB} 확인 권고.",
    "{KDOSE} 조제 완료. 환자분께 {KEPONYM} 관련 주의사항 설명. 보험 청구용 주민번호 {RRN}.",
    "처방전 {ORDER}: {KDOSE}, {KDUR}분. 알레르기 없음. 다음 조제일 {KVISIT}.",
    "{KNAME}{J:이/가} 대리 수령함. 본인 {KNAME}님 생년월일 {KDOB}, 연락처 {KPHONE}.",
    # 군 의무대 진료기록
    "의무대 진료기록: 일병 {KNAME}, 군번 없음, 생년월일 {KDOB}. {KVISIT} 행군 후 발목 염좌, {KDUR} 안정 권고.",
    "상병 {KNAME}{J:이/가} 고열로 내원, {KVITALS}. {KPLACE}{J:으로/로} 후송 결정. 부모 연락처 {KPHONE}.",
    "의무실 일지 {KVISIT}: 외래 12명, 입실 2명. {KWORD} 호소 장병 다수, 특이사항 없음.",
    "중대장 보고: {KNAME} 병장 {KEPONYM} 진단. 주민등록번호 {RRN}. 본가 주소 {KADDR}.",
    "훈련소 신체검사 결과 {KNAME} 훈련병 {SCALE}, 시력 0.8/1.0. 재검 {KVISIT}.",
    # 보험금 청구서
    "보험금 청구서\n피보험자: {KNAME}\n주민등록번호: {RRN}\n주소: {KADDR}\n연락처: {KPHONE}\n진단코드: {ICD}",
    "청구인 {KNAME}{J:은/는} {KVISIT} {KPLACE}에서 수술. 진료비 영수증 첨부. 계좌 확인 요망. 이메일 {KEMAIL}.",
    "[보험 심사] 피보험자 {KNAME}, 사고일 {KVISIT}, 입원 {KDUR}. 진단 {ICD}, {KEPONYM}. 청구 번호 {ORDER}.",
    "수익자 변경 요청: 기존 {KNAME} → 신규 {KNAME}, 생년월일 {KDOB}, 주민번호 {RRN}.",
    "{KNAME} 고객님 청구 건 안내: 등록 주소 {KADDR}로 서류 발송 완료. 담당자 {KNAME}.",
    # 콜센터 상담 기록
    "상담원: 본인 확인을 위해 성함과 생년월일 말씀해 주세요.\n고객: {KNAME}{J:이고요/고요}, {KDOB}입니다.\n상담원: 네, 연락처 {KPHONE} 맞으신가요?",
    "콜센터 메모: {KNAME}씨 예약 변경 요청. 기존 {KVISIT} → 다음 주. 회신 번호 {KPHONE}.",
    "고객 {KNAME}{J:이/가} 검사 결과 문의. {LAB}, 정상 범위 안내함. 추가 문의는 {KEMAIL}로.",
    "상담 이력: 진료 예약 취소, 환불 처리 {ORDER}. 환불 안내 문자 {KPHONE} 발송.",
    "인바운드 콜: 보호자 {KNAME}({KPHONE})님이 모친 {KNAME}님 입원 병실 문의, {KROOM} 안내.",
    # 의뢰서 이메일
    "{KNAME} 선생님께,\n{KNAME} 환자(등록번호 {MRN}, {KDOB}생) {KEPONYM} 의증으로 의뢰드립니다. 회신은 {KEMAIL}로 부탁드립니다.",
    "수신: {KEMAIL}\n제목: 진료 의뢰\n환자 {KNAME}, 주민등록번호 {RRN}. {LAB}, {SCALE}. 감사합니다.",
    "회송서: {KPLACE} 신경과. {KVISIT} 촬영 결과 {KWORD} 없음. {KDOSE} 유지 권고. 담당 {KNAME} 드림.",
    "의뢰 회신 - {KNAME} 환자분 {KDUR} 추적 관찰 예정입니다. {ICD}. 추가 자료는 팩스로 송부 바랍니다.",
    "선생님 안녕하세요, {KNAME}입니다. 의뢰하신 {KNAME}님 {KVISIT} 외래 보셨고 연락처 {KPHONE}로 결과 안내 예정입니다.",
    # 메신저 대화
    "[카톡] 간호사쌤 {KNAME}님 {KROOM}에 계세요~ 보호자분 번호 {KPHONE} 남겨주셨어요",
    "[메신저] 오늘 {KNAME}{J:이/가} 야간 근무 바꿔달래요. {KPLACE} 교육 때문에요 ㅠ",
    "ㅇㅋ {KNAME}님 차트 {MRN}로 열어보세요. {LAB} 나왔어요",
    "[단톡] 내일 회식 장소 {KADDR} 입니다! 늦으면 {KPHONE}로 연락주세요",
    "[메신저] {KNAME} 쌤 오늘 {KWORD} 환자 많네요. {KDUR} 넘게 대기 중이에요.",
    # 기타 서식
    "{RRN} 본인 확인 완료, {KNAME} 님 입원 수속 진행.",
    "{KADDR}에 거주하는 {KNAME}{J:과/와} 통화함. 생년월일 {KDOB}.",
    "보호자 {KNAME} ({KEMAIL}) 요청으로 진단서 사본 발급. 병록번호 {MRN}",
    "{KNAME}{J:을/를} 담당 간호사로 지정. 환자 {KNAME}에게 퇴원 교육 시행. 연락처 {KPHONE}",
    "낙상 위험 평가 {SCALE}, {KVITALS}. {KROOM}. 특이사항 없음.",
]

# English genres: ER triage, home-care visit, pharmacy counselling, military sick call, insurance claim,
# call-centre transcript, referral e-mail, staff chat.
EN_TEMPLATES: list[str] = [
    # ER triage notes
    "ER triage {VISIT}: {NAME}, DOB {DOB}, MRN {MRN}. Chest pain x {DUR}. {VITALS}.",
    "Pt {CAPS} arrived by EMS from {ADDR}. {SCALE}. Hx of {EPONYM}. Contact: {PHONE}.",
    "TRIAGE NOTE\nName: {INV}\nMRN: {MRN}\nDate of birth: {DOB}\nPhone: {PHONE}\nCC: fall, wrist pain.",
    "ESI 3. {VITALS}. {LAB}. Assigned {ROOM}. No known allergies.",
    "Dr. {SURNAME} saw the patient in {ROOM}; {NAME}'s wife reachable at {PHONE}. Likely {EPONYM}.",
    "{NAME} (MRN {MRN}) transferred from {PLACE} with {EPONYM}; {SCALE} on arrival.",
    # Home-care visit logs
    "Home visit {VISIT}: saw {NAME} at {ADDR}. {VITALS}. Taking {DOSE}.",
    "Home-care log. Client {INV}, born {DOB}. Daughter {NAME} present. {SCALE}. Next visit {VISIT}.",
    "Visited Mrs. {SURNAME} today; wound healing well, {LAB}. No concerns.",
    "Nurse visit for {NAME}: BP stable, {VITALS}. Reinforced {DOSE}. Follow up in {DUR}.",
    "Caregiver {NAME} called from {PHONE} to move Thursday's visit; patient lives at {ADDR}.",
    # Pharmacy counselling notes
    "Counselled {NAME} on {DOSE}. Rx {ORDER}. Callback number {PHONE}.",
    "Pharmacy note: pt {CAPS}, DOB {DOB}, on warfarin, {LAB}. Advised to avoid NSAIDs.",
    "Refill request {ORDER} for {DOSE}; insurance requires SSN {SSN} on file for {NAME}.",
    "Patient counselled on {DOSE} for {EPONYM}. Verbalised understanding.",
    "Mr. {SURNAME} picked up {DOSE} for his mother {NAME}, email {EMAIL}.",
    # Military sick-call records
    "SICK CALL {VISIT}: SPC {CAPS}, SSN {SSNND}, c/o ankle pain after ruck march x {DUR}. Referred to {PLACE}.",
    "PFC {NAME} seen at battalion aid station. {VITALS}. Profile {DUR}. Unit phone {PHONE}.",
    "Sick call log: 14 soldiers seen, 2 quarters. Outbreak of {EPONYM} ruled out. Next clinic at {PLACE}.",
    "SGT {INV} (DOB {DOB}) medevac to {PLACE}; next of kin {NAME}, {PHONE}.",
    "CPT {SURNAME}'s note: soldier {NAME}, SSN {SSN}, {SCALE}, cleared for duty.",
    # Insurance claim letters
    "Dear {NAME},\nWe received your claim {ORDER} for services on {VISIT}. Please confirm your SSN {SSN} and address {ADDR}.",
    "RE: Claim for {CAPS}, date of birth {DOB}, member address {ADDR}. Diagnosis {ICD}.",
    "Claim {ORDER} ({INV}): {ICD}, {DUR} inpatient stay at {PLACE}. Pending documentation.",
    "Policyholder: {INV}\nSSN: {SSNND}\nPhone: {PHONE}\nEmail: {EMAIL}\nICD: {ICD}",
    "Please send the itemised bill to {EMAIL}. The insured, {NAME}, was born {DOB}.",
    # Call-centre transcripts
    "Agent: Can I have your full name and date of birth?\nCaller: It's {NAME}, {DOB}.\nAgent: And the best number?\nCaller: {PHONE}.",
    "Agent: Thanks for calling. Caller asked about {LAB} results from {VISIT}; advised to discuss with provider.",
    "Call summary: {NAME} wants records sent to {ADDR}. Verified MRN {MRN}.",
    "Caller: hi, this is {LOWER}, my email is {EMAIL}, can someone call me back at {PHONE}?",
    "Agent notes: caller rescheduled MRI ({SERIAL}) to {VISIT}. Confirmation sent to {EMAIL}.",
    # Referral e-mails
    "To: {EMAIL}\nSubject: referral\nDear Dr. {SURNAME}, please see {NAME} (MRN {MRN}, DOB {DOB}) for {EPONYM}.",
    "Hi {NAME}, thanks for the referral. {SCALE}, {LAB}. I'll see them again in {DUR}. Best, Dr. {SURNAME}",
    "Referral: {CAPS}, {ADDR}, {PHONE}. Reason: suspected {EPONYM}, {ICD}.",
    "Dear colleague, I saw your patient {NAME} on {VISIT}. {VITALS}. Plan: {DOSE}. Kind regards.",
    "Forwarding {ROM}'s results (DOB {DOB}); contact her at {EMAIL} or {PHONE}.",
    # Staff chat
    "[chat] {LOWER}: can u check bed 12? pt from {PLACE}, {LAB}",
    "[chat] hey {LOWER} covering for {LOWER} tonight, call {PHONE} if u need me",
    "[chat] lol the printer in {ROOM} is jammed again, serial {SERIAL}",
    "[chat] {LOWER} said the {SCALE} was done at 2pm, ok to discharge?",
    # Mixed forms
    "{MRN} is the MRN for {INV}; SSN {SSN}.",
    "{NAME} {PHONE} {EMAIL}",
    "Emergency contact updated for {CAPS}: {NAME}, {PHONE}, {ADDR}.",
    "Device {SERIAL} implanted {VISIT}; {ICD}; {ROOM}; {ORDER}. No identifiers recorded.",
    "Patient ID band reads {CAPS}, DOB {DOB}, MRN {MRN}.",
    "Korean-speaking pt {ROM} seen with interpreter; lives at {ADDR}, phone {PHONE}.",
]
