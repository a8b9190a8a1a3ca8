#!/usr/bin/env python3
"""Write content/wards/<slug>.md (23 special wards) and content/prefectures/<slug>.md (47).

Names and kana come from the japancode 0.1.0 data (see seed_municipalities.py
for how to fetch it); the partner lists on the ward pages come from
/work/shared/data/ward_partner_pairs.csv.  Existing files are never touched.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from seed_municipalities import (  # noqa: E402
    DEFAULT_JC, DEFAULT_PAIRS, PREF_SLUGS, WARD_SLUGS, jp_date, load_japancode, valid_code, ystr,
)

ROOT = Path(__file__).resolve().parent.parent

WARDS = {
    # slug: (name_en, website, description)
    "chiyoda": ("Chiyoda", "https://www.city.chiyoda.lg.jp/",
                "東京23区の中心部に位置し、皇居、国会議事堂、霞が関の中央官庁街、丸の内・大手町のビジネス街があります。"
                "神田の古書店街や秋葉原の電気街も知られ、23区の共同の拠点である[東京区政会館](@/facilities/tokyo-kusei-kaikan.md)は飯田橋にあります。"),
    "chuo": ("Chuo", "https://www.city.chuo.lg.jp/",
             "隅田川の河口に位置し、銀座、日本橋、築地、月島などのまちがあります。"
             "日本橋は江戸時代に五街道の起点とされました。"),
    "minato": ("Minato", "https://www.city.minato.tokyo.jp/",
               "東京湾に面し、六本木、赤坂、新橋、芝、お台場などのまちがあり、東京タワーや多くの大使館が所在します。"
               "国産材の活用促進に取り組み、協定自治体とともに「[みなと森と水サミット](@/events/minato-mori-mizu-summit-2022.md)」を開いています。"),
    "shinjuku": ("Shinjuku", "https://www.city.shinjuku.lg.jp/",
                 "東京都庁の所在地で、新宿駅周辺の繁華街や新宿御苑、神楽坂などのまちがあります。"
                 "夏目漱石が生まれ育ち、生涯を閉じたまちでもあります。"),
    "bunkyo": ("Bunkyo", "https://www.city.bunkyo.lg.jp/",
               "大学などの教育機関が多く集まる文教のまちで、小石川後楽園や六義園などの庭園があります。"),
    "taito": ("Taito", "https://www.city.taito.lg.jp/",
              "上野恩賜公園とその周辺の博物館・美術館、浅草寺を中心とする浅草のまちで知られる観光のまちで、浅草では特別区全国連携プロジェクトの[魅力発信イベント](@/events/miryoku-asakusa-2017.md)も開かれています。"
              "かっぱ橋道具街などの専門店街もあります。"),
    "sumida": ("Sumida", "https://www.city.sumida.lg.jp/",
               "隅田川の東岸に位置し、東京スカイツリーや両国国技館があります。"
               "葛飾北斎が生まれたまちとして、すみだ北斎美術館があります。"),
    "koto": ("Koto", "https://www.city.koto.lg.jp/",
             "隅田川と荒川に挟まれた東京湾岸の区で、深川の下町や清澄庭園、豊洲市場があります。"
             "臨海部の有明などには東京2020大会の競技会場が置かれました。"),
    "shinagawa": ("Shinagawa", "https://www.city.shinagawa.tokyo.jp/",
                  "旧東海道の品川宿があったまちで、戸越銀座商店街や大井町、五反田などのまちがあります。"),
    "meguro": ("Meguro", "https://www.city.meguro.tokyo.jp/",
               "目黒川の桜並木や自由が丘、中目黒などのまちで知られる住宅都市です。"),
    "ota": ("Ota", "https://www.city.ota.tokyo.jp/",
            "23区の南端に位置し、羽田空港があります。"
            "ものづくりの町工場が集まるまちとして知られ、池上本門寺などの名所もあります。"),
    "setagaya": ("Setagaya", "https://www.city.setagaya.lg.jp/",
                 "23区の南西部に広がる住宅都市で、三軒茶屋、下北沢、二子玉川などのまちや等々力渓谷があります。"
                 "群馬県川場村に区民健康村を設けています。"),
    "shibuya": ("Shibuya", "https://www.city.shibuya.tokyo.jp/",
                "渋谷駅周辺の繁華街や原宿、恵比寿などのまちがあり、明治神宮や代々木公園があります。"),
    "nakano": ("Nakano", "https://www.city.tokyo-nakano.lg.jp/",
               "新宿区の西に隣接する住宅都市で、中野駅周辺には中野ブロードウェイなどがあります。"),
    "suginami": ("Suginami", "https://www.city.suginami.tokyo.jp/",
                 "高円寺、阿佐ヶ谷、荻窪などのまちがある住宅都市で、アニメーション制作会社が多く集まることでも知られます。"),
    "toshima": ("Toshima", "https://www.city.toshima.lg.jp/",
                "池袋を中心とする区で、サンシャインシティや巣鴨の地蔵通り商店街があります。"
                "西武池袋線で結ばれた埼玉県秩父市とは長く姉妹都市として交流しており、平成28年には「[地方居住を考えるワークショップ](@/events/toshima-chichibu-workshop-2016.md)」を共同で開きました。"),
    "kita": ("Kita", "https://www.city.kita.tokyo.jp/",
             "23区の北部に位置し、桜の名所の飛鳥山公園や旧古河庭園、赤羽・王子のまちがあります。"),
    "arakawa": ("Arakawa", "https://www.city.arakawa.tokyo.jp/",
                "隅田川に沿って広がる区で、都電荒川線（東京さくらトラム）が走り、日暮里の繊維街があります。"
                "日暮里駅前では、平成27年の「[北海道・釧路！旬！秋の味覚市](@/events/kushiro-mikakuichi-2015.md)」以来、北海道釧路地域8市町村との物産イベントが開かれています。"),
    "itabashi": ("Itabashi", "https://www.city.itabashi.tokyo.jp/",
                 "旧中山道の板橋宿があったまちで、高島平などの住宅地があり、光学・精密機器などのものづくりでも知られます。"),
    "nerima": ("Nerima", "https://www.city.nerima.tokyo.jp/",
               "23区の北西部に位置し、練馬大根で知られるように、区内に農地が多く残る区です。"
               "石神井公園や光が丘公園があり、アニメーション制作会社が多く集まります。"),
    "adachi": ("Adachi", "https://www.city.adachi.tokyo.jp/",
               "23区の北端に位置し、荒川と隅田川が流れる区で、北千住のまちや西新井大師があります。"),
    "katsushika": ("Katsushika", "https://www.city.katsushika.lg.jp/",
                   "柴又帝釈天や堀切菖蒲園で知られる区で、映画「男はつらいよ」の舞台でもあります。"
                   "漫画「キャプテン翼」の作者の出身地であることから、ジュニアサッカー大会「[キャプテン翼CUPかつしか](@/events/captain-tsubasa-cup-2016.md)」を開いています。"),
    "edogawa": ("Edogawa", "https://www.city.edogawa.tokyo.jp/",
                "23区の東端に位置し、荒川と江戸川に挟まれた区で、葛西臨海公園があります。"
                "小松菜の名の由来となった小松川の地があります。"),
}

# slug -> (region, capital sentence)
PREFS = {
    "hokkaido": ("北海道", "道庁所在地は札幌市です。"), "aomori": ("東北", "県庁所在地は青森市です。"),
    "iwate": ("東北", "県庁所在地は盛岡市です。"), "miyagi": ("東北", "県庁所在地は仙台市です。"),
    "akita": ("東北", "県庁所在地は秋田市です。"), "yamagata": ("東北", "県庁所在地は山形市です。"),
    "fukushima": ("東北", "県庁所在地は福島市です。"), "ibaraki": ("関東", "県庁所在地は水戸市です。"),
    "tochigi": ("関東", "県庁所在地は宇都宮市です。"), "gunma": ("関東", "県庁所在地は前橋市です。"),
    "saitama": ("関東", "県庁所在地はさいたま市です。"), "chiba": ("関東", "県庁所在地は千葉市です。"),
    "tokyo": ("関東", "都庁は新宿区にあり、23の特別区と多摩地域・島しょ地域の市町村からなります。"),
    "kanagawa": ("関東", "県庁所在地は横浜市です。"), "niigata": ("中部", "県庁所在地は新潟市です。"),
    "toyama": ("中部", "県庁所在地は富山市です。"), "ishikawa": ("中部", "県庁所在地は金沢市です。"),
    "fukui": ("中部", "県庁所在地は福井市です。"), "yamanashi": ("中部", "県庁所在地は甲府市です。"),
    "nagano": ("中部", "県庁所在地は長野市です。"), "gifu": ("中部", "県庁所在地は岐阜市です。"),
    "shizuoka": ("中部", "県庁所在地は静岡市です。"), "aichi": ("中部", "県庁所在地は名古屋市です。"),
    "mie": ("近畿", "県庁所在地は津市です。"), "shiga": ("近畿", "県庁所在地は大津市です。"),
    "kyoto": ("近畿", "府庁所在地は京都市です。"), "osaka": ("近畿", "府庁所在地は大阪市です。"),
    "hyogo": ("近畿", "県庁所在地は神戸市です。"), "nara": ("近畿", "県庁所在地は奈良市です。"),
    "wakayama": ("近畿", "県庁所在地は和歌山市です。"), "tottori": ("中国", "県庁所在地は鳥取市です。"),
    "shimane": ("中国", "県庁所在地は松江市です。"), "okayama": ("中国", "県庁所在地は岡山市です。"),
    "hiroshima": ("中国", "県庁所在地は広島市です。"), "yamaguchi": ("中国", "県庁所在地は山口市です。"),
    "tokushima": ("四国", "県庁所在地は徳島市です。"), "kagawa": ("四国", "県庁所在地は高松市です。"),
    "ehime": ("四国", "県庁所在地は松山市です。"), "kochi": ("四国", "県庁所在地は高知市です。"),
    "fukuoka": ("九州・沖縄", "県庁所在地は福岡市です。"), "saga": ("九州・沖縄", "県庁所在地は佐賀市です。"),
    "nagasaki": ("九州・沖縄", "県庁所在地は長崎市です。"), "kumamoto": ("九州・沖縄", "県庁所在地は熊本市です。"),
    "oita": ("九州・沖縄", "県庁所在地は大分市です。"), "miyazaki": ("九州・沖縄", "県庁所在地は宮崎市です。"),
    "kagoshima": ("九州・沖縄", "県庁所在地は鹿児島市です。"), "okinawa": ("九州・沖縄", "県庁所在地は那覇市です。"),
}

# Extra prefecture sentences, from the policy and the CSV.
PREF_NOTES = {
    "hokkaido": "特別区長会は平成28年4月に[北海道町村会と連携協力に関する協定](@/agreements/hokkaido-chosonkai-2016.md)を結びました。",
    "kyoto": "特別区長会は平成28年4月に[京都府市長会・京都府町村会と連携協力に関する協定](@/agreements/kyoto-shichokai-chosonkai-2016.md)を結びました。",
    "aomori": "特別区長会は[青森県市長会・青森県町村会と連携協力に関する協定](@/agreements/aomori-shichokai-chosonkai.md)を結んでいます。",
    "kumamoto": "平成28年の熊本地震では、23区が一体となって[被災自治体の支援](@/news/kumamoto-earthquake-support-2016.md)にあたりました。",
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS)
    ap.add_argument("--japancode-data", type=Path, default=None)
    args = ap.parse_args()
    by_code, pref_by_pid = load_japancode(args.japancode_data)
    rows = list(csv.DictReader(args.pairs.open(encoding="utf-8", newline="")))

    # Prefecture-level partners noted in ward bodies and on the prefecture page.
    pref_partner_notes: dict[str, list[str]] = {}
    written = kept = 0

    wards_dir = ROOT / "content" / "wards"
    wards_dir.mkdir(parents=True, exist_ok=True)
    for code, slug in WARD_SLUGS.items():
        assert valid_code(code), code
        row = by_code[code]
        name_en, website, desc = WARDS[slug]
        lines = [f"{row['city']}（{row['citykana']}）は、{desc}", "", "## 連携している自治体", ""]
        mine = [r for r in rows if r["ward_code"] == code]
        if not mine:
            lines.append("このサイトではまだ、出典を確認できた連携関係を掲載していません。")
        for r in mine:
            pc = r["partner_code"]
            when = (f"、{jp_date(r['date_as_stated'])}" if r["date_as_stated"].strip() else "")
            if pc[2:5] == "000":
                pslug = PREF_SLUGS[int(pc[:2]) - 1]
                target = f"[{r['partner']}](@/prefectures/{pslug}.md)"
                pref_partner_notes.setdefault(pslug, []).append(
                    f"[{row['city']}](@/wards/{slug}.md)とは「{r['relation_as_stated']}」を結んでいます"
                    f"（{jp_date(r['date_as_stated'])}、[出典]({r['source']})）。")
            else:
                target = f"[{r['partner']}](@/municipalities/{pc}.md)"
            lines.append(f"- {target}：{r['relation_as_stated']}（[出典]({r['source']}){when}）")
        path = wards_dir / f"{slug}.md"
        if path.exists():
            kept += 1
            continue
        fm = ["---", f"name: {row['city']}", f"kana: {row['citykana']}", f'code: "{code}"',
              f"name_en: {name_en}", f"website: {ystr(website)}", "---", ""]
        path.write_text("\n".join(fm + lines) + "\n", encoding="utf-8", newline="\n")
        written += 1

    prefs_dir = ROOT / "content" / "prefectures"
    prefs_dir.mkdir(parents=True, exist_ok=True)
    for i, slug in enumerate(PREF_SLUGS, start=1):
        p = pref_by_pid[i]
        region, capital = PREFS[slug]
        path = prefs_dir / f"{slug}.md"
        if path.exists():
            kept += 1
            continue
        region_word = "北海道地方" if region == "北海道" else f"{region}地方"
        body = f"{p['pref']}（{p['prefkana']}）は{region_word}に属し、{capital}"
        extra = [PREF_NOTES[slug]] if slug in PREF_NOTES else []
        extra += pref_partner_notes.get(slug, [])
        fm = ["---", f"name: {p['pref']}", f"kana: {p['prefkana']}", f'code: "{i:02d}"',
              f"region: {region}", f"name_en: {p['pref_en']}", "---", "", ""]
        text = "\n".join(fm) + body + ("\n\n" + "".join(extra) if extra else "") + "\n"
        path.write_text(text, encoding="utf-8", newline="\n")
        written += 1

    print(f"wards/prefectures: {written} written, {kept} kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
