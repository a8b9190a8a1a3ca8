#!/usr/bin/env python3
"""Write content/municipalities/<code>.md for every partner municipality.

Inputs
------
* ``tests/data/ward_partner_pairs.csv`` (or ``--pairs``): real, sourced
  ward <-> municipality relations (one row per relation).
* ``municipalities.json`` and ``prefectures.json`` from the PyPI package
  ``japancode`` 0.1.0 (MIT; data from the CC0 localgovjp data set), committed
  in ``data/japancode/`` (the default when ``japancode`` is not importable).

Since every municipality has a file (``tools/import-municipalities`` writes all
1,741 and owns name, kana, prefecture, kind), this script only matters for the
prose and ``partners`` of a partner that has no file yet: it writes nothing for
an existing file.

What it writes
--------------
One file per municipality that appears as a partner in the CSV (rows whose
partner code is a prefecture, ``NN000C``, are skipped: they are mentioned in the
ward pages instead), plus the municipalities named by the 推進方針 (釧路管内 8
市町村, 秩父市, 長浜市, いわき市).  ``partners`` holds one entry per CSV row;
a municipality without a CSV row gets no ``partners``.

An existing file is never touched: hand edits to a body survive a re-run.

Codes in the JSON lost their leading zero in ~490 rows; they are padded to six
digits and every check digit is verified (総務省's rule, see ``check_digit``).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import re
import sys
from collections import OrderedDict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PAIRS = ROOT / "tests" / "data" / "ward_partner_pairs.csv"
DEFAULT_JC = ROOT / "data" / "japancode"

WARD_SLUGS = {
    "131016": "chiyoda", "131024": "chuo", "131032": "minato", "131041": "shinjuku",
    "131059": "bunkyo", "131067": "taito", "131075": "sumida", "131083": "koto",
    "131091": "shinagawa", "131105": "meguro", "131113": "ota", "131121": "setagaya",
    "131130": "shibuya", "131148": "nakano", "131156": "suginami", "131164": "toshima",
    "131172": "kita", "131181": "arakawa", "131199": "itabashi", "131202": "nerima",
    "131211": "adachi", "131229": "katsushika", "131237": "edogawa",
}

PREF_SLUGS = [
    "hokkaido", "aomori", "iwate", "miyagi", "akita", "yamagata", "fukushima",
    "ibaraki", "tochigi", "gunma", "saitama", "chiba", "tokyo", "kanagawa",
    "niigata", "toyama", "ishikawa", "fukui", "yamanashi", "nagano", "gifu",
    "shizuoka", "aichi", "mie", "shiga", "kyoto", "osaka", "hyogo", "nara",
    "wakayama", "tottori", "shimane", "okayama", "hiroshima", "yamaguchi",
    "tokushima", "kagawa", "ehime", "kochi", "fukuoka", "saga", "nagasaki",
    "kumamoto", "oita", "miyazaki", "kagoshima", "okinawa",
]

# Municipalities the 推進方針 names (釧路管内 8 市町村, 秩父市, 長浜市, いわき市).
POLICY_CODES = [
    "012068", "016616", "016624", "016632", "016641", "016659", "016675", "016683",
    "112071", "252034", "072044",
]

# Official sites, only where certain.
WEBSITES = {
    "012068": "https://www.city.kushiro.lg.jp/",
    "112071": "https://www.city.chichibu.lg.jp/",
    "252034": "https://www.city.nagahama.lg.jp/",
    "072044": "https://www.city.iwaki.lg.jp/",
}

# One factual sentence per municipality (no figures).  Empty = say nothing.
DESCRIPTIONS = {
    "104256": "群馬県西部、浅間山の北麓に広がる高原の村で、夏秋キャベツの産地として知られます。",
    "053619": "秋田県中央部の町で、古くから続く朝市で知られます。",
    "212032": "岐阜県北部・飛騨地方の中心都市で、古い町並みと高山祭で知られます。",
    "034614": "岩手県の三陸海岸に面した町で、東日本大震災で大きな被害を受け、復興に取り組んでいます。",
    "223069": "静岡県、伊豆半島の西海岸に位置する町で、駿河湾に沈む夕日の景観で知られます。",
    "152161": "新潟県の最西端に位置し、ヒスイの産地として、またユネスコ世界ジオパークのまちとして知られます。",
    "062111": "山形県の村山地方にある市で、さくらんぼの産地として知られます。",
    "053279": "秋田県北部の山あいにある村で、森林に恵まれています。",
    "064025": "山形県南部、最上川の流域に位置する町です。",
    "132284": "東京都の多摩地域西部に位置し、秋川渓谷などの自然に恵まれた市です。",
    "452033": "宮崎県北部の市で、化学工業のまちとして発展してきました。",
    "202096": "長野県南部・伊那谷の市で、高遠城址公園の桜で知られます。",
    "032018": "岩手県の県庁所在地で、石川啄木や宮沢賢治ゆかりのまちです。",
    "472131": "沖縄県、沖縄本島中部の市で、世界遺産の勝連城跡があります。",
    "074471": "福島県会津地方の町で、会津本郷焼などの伝統文化で知られます。",
    "042153": "宮城県北部の市で、鳴子温泉郷などがあります。",
    "205419": "長野県北部の町で、栗の産地として、また葛飾北斎ゆかりの地として知られます。",
    "062031": "山形県庄内地方の市で、出羽三山を擁し、ユネスコ食文化創造都市に認定されています。",
    "143642": "神奈川県西部の町で、丹沢湖など丹沢の豊かな自然に恵まれています。",
    "193640": "山梨県南西部、南アルプスの山あいに位置する町です。",
    "182109": "福井県北部の市で、丸岡城や東尋坊で知られます。",
    "042056": "宮城県北東部の三陸沿岸の市で、水産業のまちとして知られます。",
    "042081": "宮城県南部の市で、JAXA角田宇宙センターがあります。",
    "172014": "石川県の県庁所在地で、兼六園をはじめとする城下町の文化で知られます。",
    "202193": "長野県東部の市で、東部町と北御牧村が合併して誕生しました。",
    "054348": "秋田県南部の町で、六郷湧水群で知られます。",
    "042145": "宮城県の市で、航空自衛隊松島基地があり、東日本大震災で大きな被害を受けました。",
    "062090": "山形県南部、最上川沿いの市で、長井あやめ公園で知られます。",
    "104442": "群馬県北部の村で、世田谷区民健康村の施設があります。",
    "072117": "福島県中通りの市で、あぶくま洞などがあります。",
    "022012": "青森県の県庁所在地で、青森ねぶた祭で知られます。",
    "012211": "北海道北部・上川地方の市で、もち米の産地として知られます。",
    "104299": "群馬県北西部の町で、岩櫃山などの自然に恵まれています。",
    "152081": "新潟県中越地方の市で、錦鯉の発祥地、小千谷縮の産地として知られます。",
    "074021": "福島県の裏磐梯に位置する村で、五色沼などの景勝地があります。",
    "072125": "福島県浜通り北部の市で、相馬野馬追で知られ、東日本大震災で大きな被害を受けました。",
    "132055": "東京都の多摩地域西部、多摩川上流の市で、御岳山などの自然に恵まれています。",
    "112071": "埼玉県西部の市で、ユネスコ無形文化遺産「山・鉾・屋台行事」に含まれる秩父夜祭で知られます。",
    "203831": "長野県南部・伊那谷の北部に位置する町です。",
    "062049": "山形県庄内地方、最上川河口の港町で、山居倉庫で知られます。",
    "103845": "群馬県南西部の町で、城下町小幡の町並みや楽山園があります。",
    "104213": "群馬県北西部の町で、四万温泉などの温泉地があります。",
    "072010": "福島県の県庁所在地で、果物の産地として、また飯坂温泉で知られます。",
    "012068": "北海道東部の中心都市で、釧路湿原や阿寒湖の玄関口です。",
    "016616": "北海道釧路地方の町で、釧路市の東に隣接しています。",
    "016624": "北海道釧路地方の町で、厚岸湾と厚岸湖に面し、カキの産地として知られます。",
    "016632": "北海道釧路地方の町で、霧多布湿原があり、酪農と漁業が盛んです。",
    "016641": "北海道釧路地方の町で、釧路湿原の北部に広がり、酪農が盛んです。",
    "016659": "北海道釧路地方の町で、摩周湖や屈斜路湖、川湯温泉で知られます。",
    "016675": "北海道釧路地方の村で、タンチョウの飛来地として知られます。",
    "016683": "北海道釧路地方の町で、太平洋に面しています。",
    "092061": "栃木県北西部の市で、世界遺産「日光の社寺」があります。",
    "202037": "長野県東部の市で、真田氏ゆかりの上田城跡があります。",
    "152251": "新潟県中越地方の市で、魚沼産コシヒカリの産地です。",
    "205613": "長野県北部の町で、志賀高原や湯田中渋温泉郷があります。",
    "092053": "栃木県西部の市で、鹿沼土やさつきの産地として知られます。",
    "052094": "秋田県北東部の市で、世界遺産「北海道・北東北の縄文遺跡群」の大湯環状列石があります。",
    "202207": "長野県中部、北アルプスの麓に広がる市で、わさびの産地として知られます。",
    "152269": "新潟県中越地方の市で、魚沼産コシヒカリの産地であり、スキー場が多くあります。",
    "083101": "茨城県中部の町です。",
    "252034": "滋賀県北東部、琵琶湖の北東岸に位置する市で、黒壁スクエアや「観音の里」として知られます。",
    "072044": "福島県浜通り南部の市で、小名浜港やスパリゾートハワイアンズがあります。",
}

# What the 推進方針 (and public sources) say about municipalities that have no
# CSV row.  This is prose only: it does not create `partners` entries.
POLICY_NOTES = {
    "252034": (
        "推進方針（平成29年3月）は、長浜市が歴史・文化の発信拠点として台東区上野に開設した"
        "「びわ湖長浜 KANNON HOUSE」を紹介し、[台東区](@/wards/taito.md)が長浜市と協定を結び、"
        "平成29年4月から文化観光などの特定分野で連携を図ることを記しています"
        "（[お知らせ](@/news/kannon-house-taito-2017.md)）。"
    ),
    "072044": (
        "推進方針（平成29年3月）は、[港区](@/wards/minato.md)の施設を活用して行われた"
        "いわき市のPRなどの連携イベントを紹介しています。いわき市と港区などは、2008年8月に"
        "「商店街友好都市との交流に関する基本協定」を取り交わしています"
        "（[福島民友の記事](http://www.minyu-net.com/news/news/FM20180728-292899.php)）。"
        "港区での取り組みの例として、[出張いちご園](@/events/iwaki-ichigoen-2014.md)、"
        "[港区民向けの体験交流ツアー](@/events/iwaki-tour-2017.md)、"
        "[JR品川駅での魅力発信](@/exhibits/iwaki-shinagawa-station-2021.md)があります。"
    ),
    "012068": (
        "釧路管内8市町村は、特別区長会と北海道町村会の連携の第一弾として、平成27年10月に"
        "荒川区で開かれた「[北海道・釧路！旬！秋の味覚市](@/events/kushiro-mikakuichi-2015.md)」に参加しました。"
    ),
}
KUSHIRO8 = POLICY_CODES[:8]
for _c in KUSHIRO8[1:]:
    POLICY_NOTES.setdefault(
        _c,
        "釧路管内8市町村の一つとして、平成27年10月に荒川区で開かれた"
        "「[北海道・釧路！旬！秋の味覚市](@/events/kushiro-mikakuichi-2015.md)」に参加しました。",
    )
POLICY_NOTES.setdefault(
    "112071",
    "推進方針（平成29年3月）は、[豊島区](@/wards/toshima.md)が秩父市と協力して開いた"
    "「[地方居住を考えるワークショップ](@/events/toshima-chichibu-workshop-2016.md)」を紹介しています。",
)


def check_digit(c5: str) -> str:
    """総務省's check digit of a 5-digit code."""
    d = [int(x) for x in c5]
    s = 6 * d[0] + 5 * d[1] + 4 * d[2] + 3 * d[3] + 2 * d[4]
    c = 11 - (s % 11) if s >= 11 else 11 - s
    return str(c % 10)


def valid_code(code: str) -> bool:
    return bool(re.fullmatch(r"\d{6}", code)) and check_digit(code[:5]) == code[5]


def ystr(value: str) -> str:
    """A YAML scalar for `value` that reads back as exactly that string."""
    if value and value == value.strip() and "\n" not in value:
        try:
            if yaml.safe_load(f"k: {value}") == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


def normalise_since(stated: str) -> str | None:
    """'1991 (平成3年)' -> '1991'; '2022-10-27 サミット' -> '2022-10-27'."""
    stated = stated.strip()
    if not stated:
        return None
    m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", stated)
    if not m:
        raise ValueError(f"unrecognised date_as_stated: {stated!r}")
    return "-".join(p for p in m.groups() if p)


def jp_date(stated: str) -> str:
    """The stated date in Japanese, keeping any remark the source added."""
    stated = stated.strip()
    m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(.*)$", stated)
    y, mo, d, rest = m.groups()
    out = f"{y}年"
    if mo:
        out += f"{int(mo)}月"
    if d:
        out += f"{int(d)}日"
    rest = rest.strip()
    return f"{out} {rest}" if rest else out


def load_japancode(path: Path | None) -> tuple[dict, dict]:
    if path is None:
        spec = importlib.util.find_spec("japancode")
        if spec and spec.origin:
            path = Path(spec.origin).parent / "data"
        else:
            path = DEFAULT_JC
    munis = json.loads((path / "municipalities.json").read_text(encoding="utf-8"))
    prefs = json.loads((path / "prefectures.json").read_text(encoding="utf-8"))
    by_code = {}
    bad = []
    for row in munis:
        code = row["lgcode"].zfill(6)
        if not valid_code(code):
            bad.append(code)
        by_code[code] = row
    if bad:
        raise SystemExit(f"check digit wrong for {len(bad)} codes: {bad[:5]}")
    pref_by_pid = {int(p["pid"]): p for p in prefs}
    return by_code, pref_by_pid


def kind_of(name: str) -> str:
    for k in ("市", "町", "村"):
        if name.endswith(k):
            return k
    raise ValueError(f"cannot tell kind of {name!r}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS)
    ap.add_argument("--japancode-data", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=ROOT / "content" / "municipalities")
    args = ap.parse_args()

    by_code, pref_by_pid = load_japancode(args.japancode_data)

    rows = list(csv.DictReader(args.pairs.open(encoding="utf-8", newline="")))
    partners: "OrderedDict[str, list[dict]]" = OrderedDict()
    skipped_prefectures = []
    for r in rows:
        code = r["partner_code"].strip()
        if not valid_code(code):
            raise SystemExit(f"bad check digit in CSV: {code} {r['partner']}")
        if code[2:5] == "000":  # prefecture-level partner (e.g. 180009 福井県)
            skipped_prefectures.append((r["ward"], r["partner"]))
            continue
        if code not in by_code:
            raise SystemExit(f"{code} {r['partner']} not in japancode data")
        partners.setdefault(code, []).append(r)

    codes = list(partners)
    for c in POLICY_CODES:
        if c not in partners:
            codes.append(c)

    args.out.mkdir(parents=True, exist_ok=True)
    written, kept = [], []
    for code in codes:
        path = args.out / f"{code}.md"
        if path.exists():
            kept.append(code)
            continue
        row = by_code[code]
        name = row["city"]
        kana = row["citykana"]
        if not re.fullmatch(r"[ぁ-ゖー]+", kana):
            raise SystemExit(f"kana of {code} {name} is not plain hiragana: {kana!r}")
        pid = int(row["pid"])
        pref_slug = PREF_SLUGS[pid - 1]
        pref_name = pref_by_pid[pid]["pref"]
        kind = kind_of(name)
        rels = partners.get(code, [])

        ward_names = []
        for r in rels:
            if r["ward"] not in ward_names:
                ward_names.append(r["ward"])
        summary = f"{pref_name}の{kind}。"
        if ward_names:
            summary += "・".join(ward_names) + "と交流・連携しています。"

        fm = ["---", f"name: {ystr(name)}", f"kana: {ystr(kana)}",
              f"prefecture: {pref_slug}", f"kind: {kind}"]
        if code in WEBSITES:
            fm.append(f"website: {ystr(WEBSITES[code])}")
        fm.append(f"summary: {ystr(summary)}")
        if rels:
            fm.append("partners:")
            for r in rels:
                fm.append(f"  - ward: {WARD_SLUGS[r['ward_code']]}")
                fm.append(f"    relation: {ystr(r['relation_as_stated'])}")
                since = normalise_since(r["date_as_stated"])
                if since:
                    fm.append(f'    since: "{since}"')
                fm.append(f"    source: {ystr(r['source'])}")
        fm.append("---")

        desc = DESCRIPTIONS.get(code)
        if desc:
            if not desc.startswith(pref_name):
                raise SystemExit(f"description of {code} must start with {pref_name}")
            body = [f"{name}（{kana}）は、{desc}"]
        else:
            body = [f"{name}（{kana}）は{pref_name}の{kind}です。"]
        if rels:
            body.append("")
            body.append("## 特別区との関係")
            body.append("")
            for r in rels:
                slug = WARD_SLUGS[r["ward_code"]]
                when = (f"時期は出典の表記で{jp_date(r['date_as_stated'])}"
                        if r["date_as_stated"].strip() else "時期は出典に記載がありません")
                body.append(
                    f"- [{r['ward']}](@/wards/{slug}.md)とは「{r['relation_as_stated']}」の関係にあります"
                    f"（{when}。[出典]({r['source']})）。"
                )
        note = POLICY_NOTES.get(code)
        if note:
            body.append("")
            body.append(note)
        text = "\n".join(fm) + "\n\n" + "\n".join(body) + "\n"
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(code)

    print(f"municipalities: {len(written)} written, {len(kept)} kept (already existed)")
    for w, p in skipped_prefectures:
        print(f"skipped prefecture-level partner: {w} - {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
