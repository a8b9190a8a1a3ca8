#!/usr/bin/env python3
"""Check content/ against docs/content-model.md, independently of the Rust tool.

Parses every file's front matter with PyYAML, checks fields (required, allowed,
types, enums), that every referenced id exists, every `(@/…)` link resolves,
every 全国地方公共団体コード has a valid check digit, and that the municipality
partners match tests/data/ward_partner_pairs.csv (a copy of the reference list) row for row.
Exit status 1 when anything is wrong.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
PAIRS = ROOT / "tests" / "data" / "ward_partner_pairs.csv"  # a copy of the reference list

COMMON = {"draft", "updated"}
FIELDS = {
    "wards": ({"name", "kana", "code"}, {"name_en", "website"}),
    "prefectures": ({"name", "kana", "code", "region"}, {"name_en"}),
    "municipalities": ({"name", "kana", "prefecture"},
                       {"kind", "website", "summary", "partners", "districts", "aliases", "member"}),
    "events": ({"title", "date", "category"},
               {"end", "kind", "support", "venue", "wards", "municipalities", "prefectures", "author",
                "summary"}),
    "exhibits": ({"title", "date", "end"}, {"location", "wards", "municipalities", "prefectures", "summary"}),
    "news": ({"title", "date"},
             {"category", "disaster", "wards", "municipalities", "prefectures", "author", "summary"}),
    "facilities": ({"name", "ward"}, {"address", "capacity", "uses", "website", "summary"}),
    "agreements": ({"title"}, {"date", "date_note", "parties", "prefectures", "municipalities", "summary"}),
    "meetings": ({"title", "body"},
                 {"date", "nendo", "count", "frequency", "place", "agenda", "minutes", "wards",
                  "municipalities", "prefectures", "agreements", "source", "summary"}),
    "partners": ({"name", "kind"},
                 {"kana", "name_en", "website", "events", "exhibits", "member", "summary"}),
    "pages": ({"title"}, {"summary"}),
}
PARTNER_FIELDS = ({"ward"}, {"relation", "since", "source"})
CATEGORIES = {"産業振興", "観光振興", "文化芸術振興", "東京2020", "地域課題", "住民交流"}
REGIONS = {"北海道": 1, "東北": 6, "関東": 7, "中部": 9, "近畿": 7, "中国": 5, "四国": 4, "九州・沖縄": 8}
KINDS = {"市", "町", "村", "特別区"}
SUPPORT_KINDS = {"協賛", "後援", "共催", "支援", "協力", "助成"}
PARTNER_KINDS = {"企業", "NPO", "大学", "金融機関", "労働団体", "報道機関", "公的団体", "その他"}
NENDO = re.compile(r"^(\d{4}(年度)?|(平成|令和)(\d{1,2}|元)年度)$")
SLUG = re.compile(r"^[a-z0-9-]+$")
KANA = re.compile(r"^[ぁ-ゖー]+$")

errors: list[str] = []


def err(path: Path, msg: str) -> None:
    errors.append(f"{path.relative_to(ROOT)}: {msg}")


def check_digit(c5: str) -> str:
    d = [int(x) for x in c5]
    s = 6 * d[0] + 5 * d[1] + 4 * d[2] + 3 * d[3] + 2 * d[4]
    c = 11 - (s % 11) if s >= 11 else 11 - s
    return str(c % 10)


def valid_code(code: object) -> bool:
    return (isinstance(code, str) and re.fullmatch(r"\d{6}", code) is not None
            and check_digit(code[:5]) == code[5])


def parse_date(value: object, allow_time: bool) -> dt.datetime | None:
    """A full date (or date and time): `updated`, and the day of a partial date's checks."""
    if isinstance(value, dt.datetime):
        return None  # PyYAML only yields this for a full timestamp: not in the contract
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if not isinstance(value, str):
        return None
    fmts = ["%Y-%m-%d"] + (["%Y-%m-%dT%H:%M"] if allow_time else [])
    for f in fmts:
        try:
            return dt.datetime.strptime(value, f)
        except ValueError:
            pass
    return None


def parse_span(value: object, allow_time: bool) -> tuple[dt.datetime, dt.datetime] | None:
    """A date as precise as its source (docs/content-model.md): `2016`, `2016-12` or a full date;
    returns its first and last moment, for the order of `date` and `end`."""
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        value = str(value)
    if isinstance(value, str) and re.fullmatch(r"\d{4}", value):
        year = int(value)
        return dt.datetime(year, 1, 1), dt.datetime(year, 12, 31, 23, 59)
    if isinstance(value, str) and (m := re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", value)):
        year, month = int(m[1]), int(m[2])
        following = dt.datetime(year + month // 12, month % 12 + 1, 1)
        return dt.datetime(year, month, 1), following - dt.timedelta(minutes=1)
    day = parse_date(value, allow_time)
    if day is None:
        return None
    return day, day if day.hour or day.minute else day.replace(hour=23, minute=59)


def read(path: Path) -> tuple[dict | None, str]:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        err(path, "has a BOM")
    if b"\r" in raw:
        err(path, "has CR line endings")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        err(path, f"not UTF-8: {e}")
        return None, ""
    if not text.startswith("---\n"):
        err(path, "does not start with a --- line")
        return None, ""
    end = text.find("\n---\n", 4)
    if end < 0:
        err(path, "front matter not closed")
        return None, ""
    try:
        fm = yaml.safe_load(text[4:end + 1])
    except (yaml.YAMLError, ValueError) as e:  # PyYAML raises ValueError for 2017-02-30
        err(path, f"YAML error: {e}")
        return None, ""
    if not isinstance(fm, dict):
        err(path, "front matter is not a mapping")
        return None, ""
    return fm, text[end + 5:]


def main() -> int:
    files: dict[str, dict[str, tuple[Path, dict, str]]] = {k: {} for k in FIELDS}
    translations: list[tuple[str, Path, dict, str]] = []
    all_md = sorted(CONTENT.rglob("*.md"))
    for path in all_md:
        rel = path.relative_to(CONTENT)
        coll = rel.parts[0] if len(rel.parts) > 1 else "pages"
        if coll not in FIELDS:
            err(path, f"unknown collection folder {coll!r}")
            continue
        fm, body = read(path)
        if fm is None:
            continue
        name = path.name
        if name in ("_index.md", "_index.en.md"):
            if set(fm) - {"title"} - COMMON or "title" not in fm:
                err(path, f"section text needs exactly a title, got {sorted(fm)}")
            continue
        if not body.strip():
            err(path, "empty body")
        if name.endswith(".en.md"):
            translations.append((coll, path, fm, name[:-6]))
            continue
        stem = path.stem
        files[coll][stem] = (path, fm, body)

    ids = {k: set(v) for k, v in files.items()}

    def check_fields(coll: str, path: Path, fm: dict) -> None:
        required, optional = FIELDS[coll]
        for f in sorted(required - set(fm)):
            err(path, f"missing required field {f!r}")
        for f in sorted(set(fm) - required - optional - COMMON):
            err(path, f"unknown field {f!r}")
        if "updated" in fm and parse_date(fm["updated"], False) is None:
            err(path, f"bad updated {fm['updated']!r}")
        if "draft" in fm and not isinstance(fm["draft"], bool):
            err(path, "draft must be true/false")

    def check_refs(path: Path, fm: dict) -> None:
        for field, coll in (("wards", "wards"), ("municipalities", "municipalities"),
                            ("prefectures", "prefectures")):
            if field not in fm:
                continue
            v = fm[field]
            if not isinstance(v, list):
                err(path, f"{field} must be a list")
                continue
            for x in v:
                if not isinstance(x, str):
                    err(path, f"{field}: {x!r} is not a string (quote codes)")
                elif x not in ids[coll]:
                    err(path, f"{field}: unknown id {x!r}")
                if field == "municipalities" and not valid_code(x):
                    err(path, f"municipalities: bad check digit {x!r}")
            if len(set(map(str, v))) != len(v):
                err(path, f"{field}: duplicate ids")

    def check_str(path: Path, fm: dict, *fields: str) -> None:
        for f in fields:
            if f in fm and not (isinstance(fm[f], str) and fm[f].strip()):
                err(path, f"{f} must be a non-empty string, got {fm[f]!r}")

    def check_url(path: Path, fm: dict, f: str) -> None:
        if f in fm and not (isinstance(fm[f], str) and re.match(r"^https?://\S+$", fm[f])):
            err(path, f"{f} is not a URL: {fm[f]!r}")

    # wards
    for slug, (path, fm, _) in files["wards"].items():
        check_fields("wards", path, fm)
        check_str(path, fm, "name", "kana", "name_en")
        check_url(path, fm, "website")
        if not valid_code(fm.get("code")) or not str(fm.get("code")).startswith("131"):
            err(path, f"bad ward code {fm.get('code')!r}")
        if not KANA.match(str(fm.get("kana", ""))):
            err(path, f"kana not hiragana: {fm.get('kana')!r}")
    # prefectures
    region_count = Counter()
    for slug, (path, fm, _) in files["prefectures"].items():
        check_fields("prefectures", path, fm)
        check_str(path, fm, "name", "kana", "name_en")
        code = fm.get("code")
        if not (isinstance(code, str) and re.fullmatch(r"\d\d", code) and 1 <= int(code) <= 47):
            err(path, f"bad prefecture code {code!r}")
        if fm.get("region") not in REGIONS:
            err(path, f"bad region {fm.get('region')!r}")
        region_count[fm.get("region")] += 1
        if not KANA.match(str(fm.get("kana", ""))):
            err(path, f"kana not hiragana: {fm.get('kana')!r}")
    if dict(region_count) != REGIONS:
        errors.append(f"prefectures: region counts {dict(region_count)} != {REGIONS}")
    codes = [fm.get("code") for _, fm, _ in files["prefectures"].values()]
    if sorted(codes) != [f"{i:02d}" for i in range(1, 48)]:
        errors.append("prefectures: codes are not exactly 01..47")
    # municipalities
    partner_rows = set()
    for code, (path, fm, _) in files["municipalities"].items():
        check_fields("municipalities", path, fm)
        check_str(path, fm, "name", "kana", "summary")
        check_url(path, fm, "website")
        if not valid_code(code):
            err(path, "file stem is not a valid 6-digit code (check digit)")
        if fm.get("prefecture") not in ids["prefectures"]:
            err(path, f"unknown prefecture {fm.get('prefecture')!r}")
        elif files["prefectures"][fm["prefecture"]][1].get("code") != code[:2]:
            err(path, "prefecture does not match the code's first two digits")
        if "kind" in fm and fm["kind"] not in KINDS:
            err(path, f"bad kind {fm['kind']!r}")
        if ("kind" in fm and fm["kind"] == "特別区") != ("131016" <= code <= "131237"):
            err(path, "kind 特別区 is for 131016–131237 exactly")
        if "kind" in fm and not str(fm.get("name", "")).endswith(
                "区" if fm["kind"] == "特別区" else fm["kind"]):
            err(path, "kind does not match the name")
        if not KANA.match(str(fm.get("kana", ""))):
            err(path, f"kana not hiragana: {fm.get('kana')!r}")
        district_codes = []
        for d in fm.get("districts", []) or []:
            if not isinstance(d, dict) or set(d) != {"code", "name", "kana"}:
                err(path, f"district must have exactly code, name, kana: {d!r}")
                continue
            if not valid_code(d["code"]) or d["code"][:2] != code[:2]:
                err(path, f"district: bad code {d['code']!r}")
            if not KANA.match(str(d["kana"])) or not str(d["name"]).endswith("区"):
                err(path, f"district: bad name or kana {d!r}")
            district_codes.append(d["code"])
        if len(set(district_codes)) != len(district_codes):
            err(path, "district codes repeat")
        for p in fm.get("partners", []) or []:
            if not isinstance(p, dict):
                err(path, "partner entry is not a mapping")
                continue
            for f in sorted(PARTNER_FIELDS[0] - set(p)):
                err(path, f"partner missing {f!r}")
            for f in sorted(set(p) - PARTNER_FIELDS[0] - PARTNER_FIELDS[1]):
                err(path, f"partner unknown field {f!r}")
            if p.get("ward") not in ids["wards"]:
                err(path, f"partner: unknown ward {p.get('ward')!r}")
            since = p.get("since")
            if since is not None:
                ok = isinstance(since, str) and (
                    re.fullmatch(r"\d{4}", since) or re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", since)
                    or parse_date(since, False))
                if not ok:
                    err(path, f"partner: bad since {since!r}")
            check_url(path, p, "source")
            partner_rows.add((code, p.get("ward"), p.get("relation"), since, p.get("source")))
    # events, exhibits, news, agreements
    for coll in ("events", "exhibits", "news", "agreements"):
        for slug, (path, fm, _) in files[coll].items():
            if not SLUG.match(slug):
                err(path, "id is not a slug")
            check_fields(coll, path, fm)
            check_str(path, fm, "title", "summary", "kind", "venue", "location", "disaster", "category")
            allow_time = coll == "events"
            d = None
            if coll == "agreements" and "date" not in fm:
                # Undated: the signing day is stated by no source; the note says what is known.
                if not isinstance(fm.get("date_note"), str) or not fm["date_note"].strip():
                    err(path, "an agreement without `date` needs `date_note`")
            else:
                d = parse_span(fm.get("date"), allow_time)
                if d is None:
                    err(path, f"bad date {fm.get('date')!r}")
            if "end" in fm:
                e = parse_span(fm["end"], allow_time)
                if e is None:
                    err(path, f"bad end {fm['end']!r}")
                elif d and e[1] < d[0]:
                    err(path, "end is before date")
            if coll == "events" and fm.get("category") not in CATEGORIES:
                err(path, f"bad category {fm.get('category')!r}")
            if coll == "agreements" and "parties" in fm and not (
                    isinstance(fm["parties"], list) and all(isinstance(x, str) for x in fm["parties"])):
                err(path, "parties must be a list of strings")
            check_refs(path, fm)
    # members (municipalities and partners with `member:`), meetings, partners
    def check_member(path: Path, fm: dict) -> None:
        member = fm.get("member")
        if member is None:
            return
        if not isinstance(member, dict) or set(member) - {"registered", "source"} \
                or "registered" not in member:
            err(path, f"member must have registered (and source): {member!r}")
            return
        if parse_span(member["registered"], False) is None:
            err(path, f"member: bad registered {member['registered']!r}")
        check_url(path, member, "source")

    members = {code for code, (_, fm, _) in files["municipalities"].items() if "member" in fm}
    members |= {slug for slug, (_, fm, _) in files["partners"].items() if "member" in fm}
    for code, (path, fm, _) in files["municipalities"].items():
        check_member(path, fm)
    for coll in ("events", "news"):
        for slug, (path, fm, _) in files[coll].items():
            if "author" in fm and str(fm["author"]) not in members:
                err(path, f"author {fm['author']!r} is not a member")
    for slug, (path, fm, _) in files["events"].items():
        support = fm.get("support", [])
        if not isinstance(support, list) or not set(support) <= SUPPORT_KINDS:
            err(path, f"bad support {support!r}")
    for slug, (path, fm, _) in files["meetings"].items():
        if not SLUG.match(slug):
            err(path, "id is not a slug")
        check_fields("meetings", path, fm)
        check_str(path, fm, "title", "body", "frequency", "place", "summary")
        check_url(path, fm, "source")
        if "date" not in fm and "nendo" not in fm:
            err(path, "a meeting needs date or nendo")
        if "date" in fm and parse_span(fm["date"], False) is None:
            err(path, f"bad date {fm['date']!r}")
        if "nendo" in fm and not NENDO.match(str(fm["nendo"])):
            err(path, f"bad nendo {fm['nendo']!r}")
        if "count" in fm and not (isinstance(fm["count"], int) and fm["count"] > 0):
            err(path, f"count must be a positive integer, got {fm['count']!r}")
        for x in fm.get("agreements", []) or []:
            if x not in ids["agreements"]:
                err(path, f"agreements: unknown id {x!r}")
        check_refs(path, fm)
    for slug, (path, fm, _) in files["partners"].items():
        if not SLUG.match(slug):
            err(path, "id is not a slug")
        check_fields("partners", path, fm)
        check_str(path, fm, "name", "kana", "name_en", "summary")
        check_url(path, fm, "website")
        if fm.get("kind") not in PARTNER_KINDS:
            err(path, f"bad kind {fm.get('kind')!r}")
        if "kana" in fm and not KANA.match(str(fm["kana"])):
            err(path, f"kana not hiragana: {fm['kana']!r}")
        for field in ("events", "exhibits"):
            for x in fm.get(field, []) or []:
                if x not in ids[field]:
                    err(path, f"{field}: unknown id {x!r}")
        check_member(path, fm)
    # facilities
    for slug, (path, fm, _) in files["facilities"].items():
        if not SLUG.match(slug):
            err(path, "id is not a slug")
        check_fields("facilities", path, fm)
        check_str(path, fm, "name", "address", "summary")
        check_url(path, fm, "website")
        if fm.get("ward") not in ids["wards"]:
            err(path, f"unknown ward {fm.get('ward')!r}")
        if "uses" in fm and not isinstance(fm["uses"], list):
            err(path, "uses must be a list")
        if "capacity" in fm and not isinstance(fm["capacity"], int):
            err(path, "capacity must be an integer")
    # pages
    for slug, (path, fm, _) in files["pages"].items():
        if not SLUG.match(slug):
            err(path, "id is not a slug")
        check_fields("pages", path, fm)
    # translations
    for coll, path, fm, stem in translations:
        if stem not in ids[coll]:
            err(path, "translation without a Japanese original")
            continue
        check_fields(coll, path, fm)
        if coll == "municipalities" and "partners" in fm:
            err(path, "a municipality translation must leave out partners")
        orig = files[coll][stem][1]
        # What a translation repeats must be the same (a partner's may leave its kana out).
        for f in ("code", "kana", "prefecture"):
            if f in orig and f in fm and fm[f] != orig[f]:
                err(path, f"{f} differs from the Japanese file")
    # links (@/path)
    for path in all_md:
        text = path.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(@/([^)#\s]+)", text):
            if not (CONTENT / target).is_file():
                err(path, f"broken link @/{target}")
    # CSV parity: every municipality row of the CSV is a partner entry, and nothing else is
    expected = set()
    ward_slug = {str(fm.get("code")): slug for slug, (_, fm, _) in files["wards"].items()}
    for r in csv.DictReader(PAIRS.open(encoding="utf-8", newline="")):
        if not valid_code(r["ward_code"]) or not valid_code(r["partner_code"]):
            errors.append(f"CSV: bad check digit in {r}")
        if r["partner_code"][2:5] == "000":
            continue
        m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", r["date_as_stated"].strip())
        since = "-".join(p for p in m.groups() if p) if m else None
        expected.add((r["partner_code"], ward_slug.get(r["ward_code"]), r["relation_as_stated"], since,
                      r["source"]))
    for row in sorted(expected - partner_rows):
        errors.append(f"CSV row missing from partners: {row}")
    for row in sorted(partner_rows - expected):
        errors.append(f"partner not in CSV: {row}")

    counts = {k: len(v) for k, v in files.items()}
    cats = Counter(fm.get("category") for _, fm, _ in files["events"].values())
    print("files per collection:", counts)
    print("translations:", len(translations), "| section texts:",
          sum(1 for p in all_md if p.name.startswith("_index")))
    print("events per category:", dict(cats))
    print("municipality codes checked:", len(files["municipalities"]), "| CSV partner rows matched:",
          len(expected & partner_rows), "of", len(expected))
    if errors:
        print(f"\n{len(errors)} problem(s):")
        for e in errors:
            print("  " + e)
        return 1
    print("OK: no problems found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
