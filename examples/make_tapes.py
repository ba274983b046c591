"""Write the example deals' tapes, byte for byte the same on every run: `python examples/make_tapes.py`.

The tapes are synthetic but shaped like real ones: GB18030 CSV with Chinese headers for trade receivables, an XLSX
lease schedule with canonical English headers, five years of monthly toll revenue with a Spring Festival dip, a
small tape with deliberate defects, and a UTF-8 (with BOM) CSV of supply-chain payables owed by one construction
group's subsidiaries to their suppliers. Obligor USCCs carry correct GB 11714 and GB 32100 check characters. Totals go
to examples/tape_totals.json so the deal files can state ``assets.pool_balance``.
"""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import make_histories
import xlsxwriter

from filing.model.identifiers import organization_code_valid, uscc_check_digit

HERE = Path(__file__).resolve().parent
CUT_OFF = date(2026, 9, 30)
CENT = Decimal("0.01")
SEED = 20260930

REGIONS = [  # (GB/T 2260 code, city prefix used in company names)
    ("110105", "北京"), ("120116", "天津"), ("310115", "上海"), ("320505", "苏州"), ("320115", "南京"),
    ("330106", "杭州"), ("330212", "宁波"), ("340104", "合肥"), ("350203", "厦门"), ("370202", "青岛"),
    ("410105", "郑州"), ("420106", "武汉"), ("430104", "长沙"), ("440305", "深圳"), ("440106", "广州"),
    ("500112", "重庆"), ("510107", "成都"), ("610113", "西安"),
]
BRANDS = ["恒信", "华瑞", "中联", "鼎盛", "宏达", "金桥", "瑞丰", "安泰", "永嘉", "新源", "同创", "博远",
          "盛世", "天成", "汇通", "九洲", "明德", "长青", "海纳", "远景", "佳禾", "信达", "嘉润", "正泰",
          "卓越", "启航", "润达", "联创"]
INDUSTRIES = {  # GB/T 4754 section → (typical four-digit class, name endings)
    "C": ("C3670", ["精密制造", "机械制造", "电子科技", "新材料", "汽车零部件"]),
    "F": ("F5179", ["商贸", "供应链管理", "贸易"]),
    "E": ("E4813", ["建设工程", "建筑工程"]),
    "G": ("G5430", ["物流", "运输"]),
    "I": ("I6510", ["信息技术", "软件"]),
    "D": ("D4411", ["能源", "电力工程"]),
    "A": ("A0190", ["农业科技", "农牧"]),
    "M": ("M7450", ["检测技术", "工程技术"]),
    "N": ("N7720", ["环境科技", "水务"]),
    "Q": ("Q8411", ["医疗器械", "健康管理"]),
}
LEASED_ASSETS = ["数控机床", "注塑机", "工程机械", "医疗设备", "光伏组件", "物流车辆", "印刷设备", "半导体设备"]
ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def make_uscc(rng: random.Random, region: str) -> str:
    """91 (enterprise, market regulator) + region + GB 11714 organisation code + GB 32100 check digit."""
    while True:
        body = "MA" + "".join(rng.choice(ORG_CHARS) for _ in range(6))
        check = next((c for c in "0123456789X" if organization_code_valid(body + c)), None)
        if check is not None:
            first17 = "91" + region + body + check
            return first17 + uscc_check_digit(first17)


def make_obligors(rng: random.Random, count: int, affiliates: int) -> list[dict]:
    """Obligors with unique names; the first ``affiliates`` are the originator's related parties."""
    names: set[str] = set()
    obligors = []
    groups = ["中建鼎盛集团", "华瑞控股集团", "九洲实业集团", "远景能源集团"]
    while len(obligors) < count:
        region, city = rng.choice(REGIONS)
        section = rng.choice(list(INDUSTRIES))
        name = f"{city}{rng.choice(BRANDS)}{rng.choice(INDUSTRIES[section][1])}有限公司"
        if name in names:
            continue
        names.add(name)
        index = len(obligors)
        obligors.append({
            "id": f"OB{index + 1:04d}", "name": name, "uscc": make_uscc(rng, region), "region": region,
            "section": section, "related": index < affiliates,
            "group": rng.choice(groups) if affiliates <= index < affiliates + 12 else "",
            "weight": rng.lognormvariate(0, 1.0),
        })
    return obligors


def scale_weights(obligors: list[dict], cap: float) -> None:
    """Normalise weights to shares, capping the largest so no obligor nears the 15% important-provider line."""
    for _ in range(20):
        total = sum(o["weight"] for o in obligors)
        for o in obligors:
            o["weight"] = min(o["weight"] / total, cap)
    total = sum(o["weight"] for o in obligors)
    for o in obligors:
        o["share"] = o["weight"] / total


def write_csv(path: Path, header: list[str], rows: list[list], encoding: str) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode(encoding))


def trade_receivables(rng: random.Random) -> dict:
    target = 1_200_000_000
    obligors = make_obligors(rng, 220, affiliates=3)
    scale_weights(obligors, cap=0.04)
    for o in obligors[:3]:  # related parties: together about 6% of the pool
        o["share"] = 0.02
    rest = sum(o["share"] for o in obligors[3:])
    for o in obligors[3:]:
        o["share"] *= 0.94 / rest
    rows, total, asset = [], Decimal(0), 0
    for o in obligors:
        invoices = max(3, round(o["share"] * 5000))
        parts = [rng.gammavariate(2, 1) for _ in range(invoices)]
        for part in parts:
            asset += 1
            balance = money(target * o["share"] * part / sum(parts))
            original = money(balance / Decimal(str(rng.choice([1, 1, 1, 0.9, 0.8, 0.75]))))
            start = CUT_OFF - timedelta(days=rng.randint(5, 270))
            end = max(start + timedelta(days=rng.choice([90, 120, 180, 270, 360])), CUT_OFF + timedelta(days=15))
            rows.append([f"AR{asset:06d}", o["id"], o["name"], o["uscc"], o["region"], o["section"], "CNY",
                         f"{original}", f"{balance}", start.isoformat(), end.isoformat(),
                         "是" if o["related"] else "否", o["group"]])
            total += balance
    rows[-1][8] = f"{Decimal(rows[-1][8]) + Decimal(target) - total}"  # absorb rounding: the pool is exactly the target
    total = money(target)
    header = ["应收账款编号", "债务人编号", "债务人名称", "统一社会信用代码", "行政区划代码", "行业门类", "币种",
              "初始金额", "未偿本金余额", "发生日", "到期日", "是否关联方", "债务人集团"]
    write_csv(HERE / "trade-receivables" / "tape.csv", header, rows, "gb18030")
    return {"file": "trade-receivables/tape.csv", "rows": len(rows), "obligors": len(obligors),
            "currency": "CNY", "total": str(total)}


def annuity(principal: Decimal, rate: float, periods: int) -> Decimal:
    return money(float(principal) * rate / (1 - (1 + rate) ** -periods) if rate else float(principal) / periods)


def equipment_lease(rng: random.Random) -> dict:
    lessees = make_obligors(rng, 300, affiliates=2)
    scale_weights(lessees, cap=0.03)
    rows, total = [], Decimal(0)
    for index in range(800):
        o = rng.choices(lessees, weights=[x["share"] for x in lessees])[0]
        months_per, frequency = rng.choice([(1, "月"), (1, "月"), (3, "季")])
        term = rng.choice([24, 36, 36, 48, 60])
        start = date(2023 + rng.randint(0, 2), rng.randint(1, 12), rng.randint(1, 28))
        start = min(start, date(2026, 8, 28))
        paid = ((CUT_OFF.year - start.year) * 12 + CUT_OFF.month - start.month) // months_per
        periods = term // months_per
        if paid >= periods - 2:  # keep every lease running past the cut-off
            start = date(2025, rng.randint(1, 12), rng.randint(1, 28))
            paid = ((CUT_OFF.year - start.year) * 12 + CUT_OFF.month - start.month) // months_per
        rate = round(rng.uniform(0.045, 0.08), 4)
        original = money(rng.lognormvariate(14.0, 0.7))
        period_rate = rate * months_per / 12
        instalment = annuity(original, period_rate, periods)
        balance = original * Decimal(str((1 + period_rate) ** paid)) - instalment * Decimal(
            str(((1 + period_rate) ** paid - 1) / period_rate))
        balance = money(balance)
        end_year, end_month = divmod(start.month - 1 + term, 12)
        end = date(start.year + end_year, end_month + 1, min(start.day, 28))
        rows.append([f"FL{index + 1:05d}", o["id"], o["name"], o["uscc"], o["region"], INDUSTRIES[o["section"]][0],
                     "CNY", float(original), float(balance), start, end, rate, rng.choice(LEASED_ASSETS),
                     float(money(original * Decimal(str(rng.uniform(0.01, 0.05))))), float(instalment), frequency,
                     "是" if o["related"] else "否"])
        total += balance
    header = ["asset_id", "obligor_id", "obligor_name", "obligor_uscc", "region_code", "industry_code", "currency",
              "original_amount", "outstanding_balance", "origination_date", "maturity_date", "interest_rate",
              "leased_asset_type", "residual_value", "installment_amount", "payment_frequency", "related_party"]
    path = HERE / "equipment-lease" / "tape.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(path, {"default_date_format": "yyyy-mm-dd"})
    workbook.set_properties({"created": datetime(2026, 9, 30), "author": "filing examples"})
    sheet = workbook.add_worksheet("租赁资产清单")
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        sheet.write_row(r, 0, row)
    workbook.close()
    return {"file": "equipment-lease/tape.xlsx", "rows": len(rows), "currency": "CNY", "total": str(total)}


SPRING_FESTIVAL = {2022: 2, 2023: 1, 2024: 2, 2025: 1, 2026: 2}
"""Month of the Spring Festival, when passenger cars drive toll-free for about a week."""
SEASON = {1: 0.97, 2: 0.95, 3: 0.98, 4: 1.0, 5: 1.03, 6: 0.99, 7: 1.05, 8: 1.06, 9: 1.0, 10: 1.07, 11: 0.97, 12: 0.96}


def toll_road(rng: random.Random) -> dict:
    rows, revenues = [], []
    month = date(2021, 10, 1)
    for index in range(60):
        level = 45_000_000 * 1.04 ** (index / 12) * SEASON[month.month] * rng.uniform(0.98, 1.02)
        if SPRING_FESTIVAL.get(month.year) == month.month:
            level *= 0.82
        revenue = money(level)
        traffic = round(level / rng.uniform(33.5, 34.5))
        rows.append([month.strftime("%Y-%m"), traffic, f"{revenue}"])
        revenues.append(revenue)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    write_csv(HERE / "toll-road" / "revenue.csv", ["period", "traffic_volume", "toll_revenue"], rows, "utf-8")
    return {"file": "toll-road/revenue.csv", "rows": len(rows), "currency": "CNY",
            "total": str(sum(revenues, Decimal(0))), "last_12_months": str(sum(revenues[-12:], Decimal(0)))}


CORE_GROUP = "华东建工集团有限公司"
CORE_SUBSIDIARIES = ["华东建工第一工程有限公司", "华东建工第二工程有限公司", "华东建工市政建设有限公司",
                     "华东建工轨道交通工程有限公司", "华东建工安装工程有限公司", "华东建工装饰工程有限公司"]


def supply_chain_payables(rng: random.Random) -> dict:
    """Payables a construction group's subsidiaries owe their suppliers, each confirmed by the debtor in writing."""
    target = 800_000_000
    debtors = [{"id": f"HD{i + 1:02d}", "name": name, "region": region, "uscc": make_uscc(rng, region)}
               for i, (name, (region, _)) in enumerate(zip(CORE_SUBSIDIARIES, rng.sample(REGIONS, 6), strict=True))]
    suppliers = make_obligors(rng, 160, affiliates=0)
    scale_weights(suppliers, cap=0.03)
    rows, total = [], Decimal(0)
    for index in range(1800):
        supplier = rng.choices(suppliers, weights=[x["share"] for x in suppliers])[0]
        debtor = rng.choice(debtors)
        balance = money(rng.lognormvariate(12.6, 0.8))
        start = CUT_OFF - timedelta(days=rng.randint(10, 200))
        confirmed = min(start + timedelta(days=rng.randint(3, 20)), CUT_OFF)
        end = max(start + timedelta(days=rng.choice([180, 270, 360])), CUT_OFF + timedelta(days=30))
        rows.append([f"SCP{index + 1:05d}", debtor["id"], debtor["name"], debtor["uscc"], CORE_GROUP,
                     supplier["id"].replace("OB", "SP"), supplier["name"], supplier["uscc"], debtor["region"], "E4813",
                     "CNY", balance, start.isoformat(), end.isoformat(), confirmed.isoformat()])
        total += balance
    scale = Decimal(target) / total
    for row in rows:
        row[11] = money(row[11] * scale)
    rows[-1][11] += Decimal(target) - sum(row[11] for row in rows)  # absorb rounding: the pool is exactly the target
    rows = [[*row[:11], f"{row[11]}", f"{row[11]}", *row[12:], "否"] for row in rows]
    header = ["资产编号", "债务人编号", "债务人名称", "债务人统一社会信用代码", "债务人集团", "供应商编号",
              "供应商名称", "供应商统一社会信用代码", "行政区划代码", "行业代码", "币种", "初始金额", "未偿余额",
              "发生日", "到期日", "付款确认日", "是否关联方"]
    write_csv(HERE / "supply-chain-payables" / "tape.csv", header, rows, "utf-8-sig")
    return {"file": "supply-chain-payables/tape.csv", "rows": len(rows), "obligors": len(debtors),
            "creditors": len({row[5] for row in rows}), "currency": "CNY", "total": str(money(target))}


def noncompliant(rng: random.Random) -> dict:
    """About 60 rows with deliberate defects the pool report must catch."""
    obligors = make_obligors(rng, 12, affiliates=0)
    big = obligors[0]
    rows, total = [], Decimal(0)
    for index in range(60):
        o = big if index < 8 else obligors[1 + index % 11]
        balance = money(rng.uniform(5_400_000, 5_600_000) if o is big else rng.uniform(620_000, 760_000))
        start = CUT_OFF - timedelta(days=rng.randint(30, 200))
        end = max(start + timedelta(days=rng.choice([180, 270, 360])), CUT_OFF + timedelta(days=15))
        uscc = o["uscc"]
        if index in (20, 33, 41):  # wrong check digit
            uscc = uscc[:17] + ("0" if uscc[17] != "0" else "1")
        if index == 47:  # letter O is never used in a USCC
            uscc = uscc[:10] + "O" + uscc[11:]
        if index == 12:
            balance = -balance
        if index == 25:
            end = start - timedelta(days=30)
        rows.append([f"NC{index + 1:03d}", o["id"], o["name"], uscc, o["region"], o["section"], "CNY",
                     f"{abs(balance)}", f"{balance}", start.isoformat(), end.isoformat(), "no"])
        total += balance
    header = ["asset_id", "obligor_id", "obligor_name", "obligor_uscc", "region_code", "industry_code", "currency",
              "original_amount", "outstanding_balance", "origination_date", "maturity_date", "related_party"]
    write_csv(HERE / "noncompliant" / "tape.csv", header, rows, "utf-8")
    return {"file": "noncompliant/tape.csv", "rows": len(rows), "currency": "CNY", "total": str(total)}


def main() -> None:
    totals = {}
    for name, make in (("trade-receivables", trade_receivables), ("equipment-lease", equipment_lease),
                       ("toll-road", toll_road), ("noncompliant", noncompliant),
                       ("supply-chain-payables", supply_chain_payables)):
        totals[name] = make(random.Random(f"{SEED}-{name}"))
        extra = f", last 12 months {totals[name]['last_12_months']}" if "last_12_months" in totals[name] else ""
        print(f"{totals[name]['file']}: {totals[name]['rows']} rows, total {totals[name]['currency']} "
              f"{totals[name]['total']}{extra}")
    (HERE / "tape_totals.json").write_text(json.dumps(totals, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    make_histories.main()


if __name__ == "__main__":
    main()
