"""A deterministic corpus of listings for the Python tests: JSON Lines and
an `id,date,price` price history, built from a seed.

The listings mix what the default packs judge (absolute wording, efficacy
claims, goods that need certificates, promotions without their window,
struck-through prices) with look-alikes they must leave alone (第一时间,
100%纯棉, 《》 titles) and plain listings, in Chinese as shops write them,
so that the parity tests compare many kinds of findings.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Dict, List

CATEGORIES = [
    "美妆>面部护肤>面霜",
    "美妆>彩妆>口红",
    "食品>零食>坚果",
    "食品>保健食品>维生素",
    "家电>厨房电器>电饭煲",
    "服饰>女装>连衣裙",
    "母婴>婴儿护肤>润肤霜",
    "医疗器械>家用器械>血压计",
    "图书>小说>文学",
    "家居>床上用品>四件套",
]
PRODUCTS = ["面霜", "口红", "坚果礼盒", "维生素片", "电饭煲", "连衣裙", "婴儿润肤霜", "电子血压计", "长篇小说", "四件套"]
WORDING = [
    "全网最好的",
    "行业第一",
    "国家级品质",
    "顶级",
    "第一时间发货",
    "100%纯棉",
    "美白祛斑",
    "抗皱修复",
    "治疗失眠",
    "增强免疫力",
    "药妆",
    "医生推荐",
    "万能",
    "销量冠军",
    "纯天然",
    "独家配方",
    "王牌单品",
    "首选好物",
    "",
    "",
]
PROMOTIONS = ["限时秒杀", "满300减50", "第二件半价", "买2送1", "仅限今日", "清仓特价", "", "", ""]
TITLES = ["《最好的我们》", "《第一炉香》", ""]
BRANDS = ["花漾", "禾田", "青木", "", ""]
CERTS = {
    "cert.food": "SC10544010600123",
    "cert.cosmetics": "粤G妆网备字2021012345",
    "cert.device": "国械注准20193070123",
    "cert.ccc": "2020010701234567",
}


def listing(rng: random.Random, number: int) -> Dict[str, object]:
    """One listing."""
    which = rng.randrange(len(CATEGORIES))
    words = [rng.choice(WORDING) for _ in range(rng.randint(0, 3))]
    title = "".join(
        part
        for part in [rng.choice(BRANDS), rng.choice(TITLES) if which == 8 else "", *words, PRODUCTS[which], rng.choice(PROMOTIONS)]
        if part
    )
    price = round(rng.uniform(9, 999), 2)
    out: Dict[str, object] = {
        "id": f"P{number:06d}",
        "title": title,
        "description": f"<p>{rng.choice(WORDING)}{PRODUCTS[which]}，{rng.choice(WORDING)}</p><img alt=\"{rng.choice(WORDING)}\">",
        "category": CATEGORIES[which],
        "price": price,
    }
    if rng.random() < 0.4:
        out["original_price"] = round(price * rng.uniform(1.1, 3.0), 2)
    if rng.random() < 0.3:
        out["brand"] = rng.choice([b for b in BRANDS if b])
    if rng.random() < 0.5:
        field = rng.choice(list(CERTS))
        out[field] = CERTS[field]
    if rng.random() < 0.2:
        out["promo_start"] = "2026-11-11 00:00"
        out["promo_end"] = "2026-11-13 23:59"
    return out


def history_rows(rng: random.Random, listings: List[Dict[str, object]], end: date) -> List[str]:
    """Seven days of transaction prices for every other listing."""
    rows = ["id,date,price"]
    for item in listings[::2]:
        price = float(item["price"])  # type: ignore[arg-type]
        for back in range(7, 0, -1):
            day = end - timedelta(days=back)
            rows.append(f"{item['id']},{day.isoformat()},{round(price * rng.uniform(0.6, 1.2), 2)}")
    return rows


def write_corpus(listings_path: Path, history_path: Path, n: int, seed: int, as_of: str) -> None:
    """Writes `n` listings to `listings_path` (JSON Lines) and their price
    history up to the day before `as_of` to `history_path`."""
    rng = random.Random(seed)
    items = [listing(rng, i) for i in range(n)]
    with listings_path.open("w", encoding="utf-8") as out:
        for item in items:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    history_path.write_text(
        "\n".join(history_rows(rng, items, date.fromisoformat(as_of))) + "\n", encoding="utf-8"
    )
