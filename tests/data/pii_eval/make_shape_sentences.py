"""Write the SHAPE tuning set (shape_sentences.jsonl): hand-written record-number, phone, birth-date and name shapes.

Run: .venv/bin/python tests/data/pii_eval/make_shape_sentences.py [OUT_DIR]

Every value is invented. A span is written ``[[ENTITY|text]]``; the markup is removed and
each becomes a span of that entity. Sentences with no markup are decoys. Written after the
third evaluation set was seen, for the shapes it missed, in new wording.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

EN = [
    "Wristband MRN [[MEDICAL_RECORD_NUMBER|207-551-09]] matches the order.",
    "Med Rec # [[MEDICAL_RECORD_NUMBER|0045-2231-7]] pulled for the audit.",
    "chart no. [[MEDICAL_RECORD_NUMBER|7734-221]] scanned into the portal",
    "Patient ID: [[MEDICAL_RECORD_NUMBER|PT-2291-0043]]; consent on file.",
    "hospital number [[MEDICAL_RECORD_NUMBER|4410923]] given at the desk",
    "H# [[MEDICAL_RECORD_NUMBER|00912834]] printed on the label.",
    "[[MEDICAL_RECORD_NUMBER|6621-0937]] is the MRN for [[PERSON|BAXTER, Olivia]].",
    "Pharmacy will ring [[PHONE_NUMBER|(731) 204-5518]] once the refill is ready.",
    "Son's cell [[PHONE_NUMBER|+1 389 612 0457]], call after 6.",
    "office line [[PHONE_NUMBER|646.555.0172 ext. 31]] for scheduling",
    "Fax orders to [[PHONE_NUMBER|1-877-555-0148]].",
    "[chat] [[PERSON|dean]]: bed 7 needs a porter",
    "[chat] [[PERSON|carla mendez]]: glucose rechecked, fine",
    "hi, this is [[PERSON|helen park]], returning your call",
    "hey [[PERSON|priya]] can you cover the 3pm admit?",
    "Label reads [[PERSON|FOSTER, Daniel]] - verify before the draw.",
    "Scored 26/30 on the MoCA in the ER; ICU bed requested.",
    "Seen at Walter Reed, then Fort Hood; Hgb 11.2, Med Rec complete.",
    "Code M54.5 on Ward 5A; Tel and fax numbers on the ward sheet.",
    "Kernig sign negative; Barrett's esophagus on the problem list.",
    "SSN [[US_SSN|271-58-3094]] verified; lot 123-456-78901 discarded.",
]
KO = [
    "병록번호 [[MEDICAL_RECORD_NUMBER|512-30-884]] 환자 외래 예약 변경.",
    "의무기록번호: [[MEDICAL_RECORD_NUMBER|2024-118832]] 사본 발급 요청.",
    "환자ID [[MEDICAL_RECORD_NUMBER|K-20931]] 로 조회됨.",
    "차트 [[MEDICAL_RECORD_NUMBER|6120-3381]]로 확인 부탁드려요.",
    "등록번호 [[MEDICAL_RECORD_NUMBER|88-1102-3]] 확인 후 수납.",
    "간호사: 생년월일이 어떻게 되세요?\n보호자: [[PERSON|문혜진]]이고요, [[DATE_OF_BIRTH|58.11.02]]이에요.",
    "직원: 생년월일 여쭤봐도 될까요?\n환자: 네, [[DATE_OF_BIRTH|1949.07.13]]요.",
    "[[DATE_OF_BIRTH|1990년 2월 3일]] 출생, 남.",
    "[[PERSON|차민호]] 쌤 오늘 야간이세요?",
    "[[PERSON|선우 진]]쌤께 인계함.",
    "[[PERSON|서문 결]] 환자분 내일 퇴원 예정.",
    "병장 [[PERSON|권태윤]], 발목 염좌로 내원.",
    "주호소: 두통, 한기 있음. 간호사로 지정된 병동 확인.",
    "생년월일 확인 후 접수. 수술 12일 경과, 23.02.28 퇴원 예정.",
    "대장 내시경 예정, 소장 이상 소견 없음.",
]


def parse(text: str) -> tuple[str, list[dict]]:
    """Returns ``text`` without markup and its spans."""
    spans, out, pos = [], [], 0
    for match in re.finditer(r"\[\[([A-Z_]+)\|(.+?)\]\]", text):
        out.append(text[pos : match.start()])
        start = sum(map(len, out))
        out.append(match.group(2))
        spans.append({"end": start + len(match.group(2)), "entity": match.group(1), "start": start})
        pos = match.end()
    out.append(text[pos:])
    return "".join(out), spans


def write(out: Path = Path(__file__).resolve().parent) -> Path:
    """Writes ``shape_sentences.jsonl`` into ``out`` and returns its path."""
    path = out / "shape_sentences.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for lang, sentences in (("en", EN), ("ko", KO)):
            for i, raw in enumerate(sentences):
                text, spans = parse(raw)
                row = {"id": f"s{lang}-{i:03d}", "lang": lang, "spans": spans, "text": text}
                handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    return path


if __name__ == "__main__":
    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent))
