import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from filing.model.jurisdictions import (
    ALIASES,
    MAINLAND,
    jurisdiction_name,
    normalise_jurisdiction,
    numeric_code,
)
from filing.model.regions import (
    PROVINCES,
    province_name,
    province_of,
    province_prefixes,
    validate_region_code,
)

# --- Jurisdictions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("CN", "CN"),
        ("cn", "CN"),
        ("CHN", "CN"),
        (156, "CN"),
        ("156", "CN"),
        ("China", "CN"),
        (" china ", "CN"),
        ("中国", "CN"),
        ("中國", "CN"),
        ("中国大陆", "CN"),
        ("内地", "CN"),
        ("大陆", "CN"),
        ("中华人民共和国", "CN"),
        ("PRC", "CN"),
        ("Mainland China", "CN"),
        ("People's Republic of China", "CN"),
        ("Hong Kong", "HK"),
        ("香港", "HK"),
        ("香港特别行政区", "HK"),
        ("Hong Kong SAR", "HK"),
        ("HKSAR", "HK"),
        ("HKG", "HK"),
        (344, "HK"),
        ("ｈｋ", "HK"),
        ("澳门", "MO"),
        ("澳門", "MO"),
        ("Macau", "MO"),
        ("Macao SAR", "MO"),
        (446, "MO"),
        ("台湾", "TW"),
        ("臺灣", "TW"),
        ("台灣", "TW"),
        ("Taiwan", "TW"),
        ("Taiwan, Province of China", "TW"),
        ("158", "TW"),
        ("Singapore", "SG"),
        ("新加坡", "SG"),
        ("KY", "KY"),
        ("Cayman", "KY"),
        ("开曼群岛", "KY"),
        ("BVI", "VG"),
        ("英属维尔京群岛", "VG"),
        ("British Virgin Islands", "VG"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("美国", "US"),
        ("UK", "GB"),
        ("英国", "GB"),
        ("日本", "JP"),
        ("韩国", "KR"),
        ("South Korea", "KR"),
        ("UAE", "AE"),
        ("阿联酋", "AE"),
        ("056", "BE"),
        (56, "BE"),
        ("56", "BE"),
        (4, "AF"),
    ],
)
def test_normalisation_table(value, expected):
    assert normalise_jurisdiction(value) == expected


def test_mainland_is_cn():
    assert MAINLAND == "CN"


@pytest.mark.parametrize("value", ["Xanadu", "Korea", "Greater China", "999", 1560, -156, "C N"])
def test_unknown_jurisdiction_raises(value):
    with pytest.raises(ValueError, match="unknown"):
        normalise_jurisdiction(value)


def test_unknown_message_tells_user_what_to_give():
    with pytest.raises(ValueError, match=r"unknown jurisdiction 'Xanadu'; use an ISO 3166 code such as HK"):
        normalise_jurisdiction("Xanadu")


def test_close_misspelling_is_suggested_never_accepted():
    with pytest.raises(ValueError, match="did you mean 'hong kong', which is HK"):
        normalise_jurisdiction("Hong Kongg")


@pytest.mark.parametrize("value", ["", "   "])
def test_empty_jurisdiction_raises(value):
    with pytest.raises(ValueError, match="empty"):
        normalise_jurisdiction(value)


@pytest.mark.parametrize("value", [None, True, 156.0])
def test_non_code_types_are_a_type_error(value):
    with pytest.raises(TypeError):
        normalise_jurisdiction(value)


@given(st.sampled_from(list(pycountry.countries)))
def test_every_iso_country_round_trips_through_each_code(country):
    for value in (country.alpha_2, country.alpha_3, country.numeric, int(country.numeric), country.name):
        assert normalise_jurisdiction(value) == country.alpha_2


@pytest.mark.parametrize(("alpha2", "aliases"), ALIASES.items())
def test_every_alias_resolves_to_its_code(alpha2, aliases):
    assert {normalise_jurisdiction(alias) for alias in aliases} == {alpha2}


@pytest.mark.parametrize(
    ("alpha2", "number"), [("CN", 156), ("HK", 344), ("MO", 446), ("TW", 158), ("hk", 344)]
)
def test_numeric_code(alpha2, number):
    assert numeric_code(alpha2) == number


@pytest.mark.parametrize("value", ["CHN", "China", "ZZ", ""])
def test_numeric_code_wants_alpha2(value):
    with pytest.raises(ValueError, match="normalise_jurisdiction"):
        numeric_code(value)


@pytest.mark.parametrize(
    ("alpha2", "zh", "en"),
    [
        ("CN", "中国", "China"),
        ("HK", "中国香港", "Hong Kong SAR"),
        ("MO", "中国澳门", "Macao SAR"),
        ("TW", "中国台湾", "Taiwan"),
        ("SG", "新加坡", "Singapore"),
        ("KY", "开曼群岛", "Cayman Islands"),
        ("VG", "英属维尔京群岛", "British Virgin Islands"),
        ("US", "美国", "United States"),
        ("GB", "英国", "United Kingdom"),
    ],
)
def test_document_names(alpha2, zh, en):
    assert jurisdiction_name(alpha2, "zh") == zh
    assert jurisdiction_name(alpha2, "en") == en


def test_document_names_read_back_to_the_same_code():
    for alpha2 in ("CN", "HK", "MO", "TW", "SG", "KY", "VG", "US", "GB", "JP", "KR"):
        for lang in ("zh", "en"):
            assert normalise_jurisdiction(jurisdiction_name(alpha2, lang)) == alpha2


def test_document_name_rejects_unknown_language():
    with pytest.raises(ValueError, match="'zh' or 'en'"):
        jurisdiction_name("HK", "fr")


# --- GB/T 2260 regions -------------------------------------------------------------------------------


def test_there_are_34_province_level_divisions():
    assert len(PROVINCES) == 34
    assert province_prefixes() == frozenset(PROVINCES)


@pytest.mark.parametrize(
    "code", ["110000", "110101", "350100", "350203", "469001", "500228", "659001", "810000"]
)
def test_valid_region_codes(code):
    assert validate_region_code(code) == code


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("35010", "exactly 6 digits"),
        ("35010A", "exactly 6 digits"),
        ("3501001", "exactly 6 digits"),
        ("990100", "'99', which is not a GB/T 2260 province-level code"),
        ("100000", "'10', which is not a GB/T 2260 province-level code"),
        ("390100", "'39'"),
        ("350001", "county digits '01' directly under the province"),
        ("810100", "its code is 810000"),
        ("710101", "its code is 710000"),
    ],
)
def test_invalid_region_codes(code, message):
    with pytest.raises(ValueError, match=message):
        validate_region_code(code)


def test_province_of_and_names():
    assert province_of(" 350203 ") == "350000"
    assert province_name("350203", "zh") == "福建省"
    assert province_name("350203", "en") == "Fujian"
    assert province_name("820000", "zh") == "澳门特别行政区"
    assert province_name("540102", "en") == "Xizang"


def test_province_name_rejects_unknown_language():
    with pytest.raises(ValueError, match="'zh' or 'en'"):
        province_name("110000", "de")


def test_province_prefixes_validate_a_polars_column_without_python_per_row():
    polars = pytest.importorskip("polars")
    codes = polars.Series("region", ["350203", "990100", "110101"])
    valid = codes.str.slice(0, 2).is_in(list(province_prefixes()))
    assert valid.to_list() == [True, False, True]


@pytest.mark.parametrize("value", ["Republic of China", "Chinese Taipei", "中華民國", "中华台北", "ROC"])
def test_taiwan_names_are_taiwan_not_the_mainland(value):
    assert normalise_jurisdiction(value) == "TW"


@pytest.mark.parametrize("value", ["People's Republic of China", "PRC", "中华人民共和国"])
def test_peoples_republic_stays_the_mainland(value):
    assert normalise_jurisdiction(value) == "CN"


@pytest.mark.parametrize("value", ["Republic of Chinaa", "Chinese Taipe"])
def test_near_miss_is_suggested(value):
    with pytest.raises(ValueError, match="which is TW"):
        normalise_jurisdiction(value)


@pytest.mark.parametrize("value", ["Republic of Chinese", "Hongg Kongg Land", "Singapore City"])
def test_distant_names_get_no_suggestion(value):
    with pytest.raises(ValueError) as raised:
        normalise_jurisdiction(value)
    assert "did you mean" not in str(raised.value)
