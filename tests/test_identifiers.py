import pytest
from hypothesis import given
from hypothesis import strategies as st

from filing.model.identifiers import (
    USCC_CHARSET,
    check_uscc_format,
    lei_check_digits,
    organization_code_valid,
    uscc_check_digit,
    validate_currency,
    validate_evm_address,
    validate_isin,
    validate_lei,
    validate_uscc,
)

uscc_chars = st.sampled_from(USCC_CHARSET)
uscc_bodies = st.builds(
    lambda head, region, tail: "".join(head) + "".join(region) + "".join(tail),
    st.lists(uscc_chars, min_size=2, max_size=2),
    st.lists(st.sampled_from("0123456789"), min_size=6, max_size=6),
    st.lists(uscc_chars, min_size=9, max_size=9),
)
alphanumeric_bodies = st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=18, max_size=18)


# --- USCC --------------------------------------------------------------------------------------------


def test_published_uscc_is_valid_and_normalised():
    assert validate_uscc(" 91350100m000100y43\n") == "91350100M000100Y43"


def test_published_bad_uscc_names_expected_check_digit():
    with pytest.raises(ValueError, match="check digit is 'B' but should be '9'"):
        validate_uscc("91350203M0001QAY9B")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y4", "has 17 characters; a USCC has exactly 18"),
        ("91350100M000100Y433", "has 19 characters"),
        ("91350100M0001O0Y43", "'O' at position 14; the letters I, O, S, V and Z never appear"),
        ("9135010IM000100Y43", "'I' at position 8"),
        ("91350100M000-00Y43", "'-' at position 13; a USCC uses only the characters"),
        ("9135A100M000100Y43", "'A' at position 5; positions 3-8 are the administrative-division code"),
    ],
)
def test_uscc_errors_say_what_is_wrong(code, message):
    with pytest.raises(ValueError, match=message):
        validate_uscc(code)


def test_format_check_leaves_check_digit_to_the_rule():
    assert check_uscc_format("91350203m0001qay9b") == "91350203M0001QAY9B"
    with pytest.raises(ValueError, match="'O' at position 14"):
        check_uscc_format("91350100M0001O0Y43")


def test_uscc_check_digit_of_published_code():
    assert uscc_check_digit("91350100M000100Y4") == "3"


def test_uscc_check_digit_rejects_wrong_length():
    with pytest.raises(ValueError, match="17 characters"):
        uscc_check_digit("91350100")


@given(uscc_bodies)
def test_body_with_computed_check_digit_validates(body):
    assert validate_uscc(body + uscc_check_digit(body)) == body + uscc_check_digit(body)


@given(uscc_bodies, st.integers(min_value=0, max_value=17), uscc_chars)
def test_any_single_character_change_is_rejected(body, position, replacement):
    code = body + uscc_check_digit(body)
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code:
        with pytest.raises(ValueError):
            validate_uscc(changed)


def test_organization_code_check_is_separate_from_uscc_check():
    assert organization_code_valid("M000100Y4")
    assert not organization_code_valid("M000100Y5")
    assert not organization_code_valid("M000100")
    # A code can pass the USCC check and still fail the inner one: validate_uscc must accept it.
    body = "91350100M000100Y5"
    assert validate_uscc(body + uscc_check_digit(body))


@pytest.mark.parametrize(
    "code9",
    [
        "000000000",  # weighted sum 0: 11 - 0 = 11 gives '0'
        "00000006X",  # weighted sum 6 x 2 = 12: 11 - 1 = 10 gives 'X'
        "000100001",  # weighted sum 1 x 10 = 10: 11 - 10 gives '1'
    ],
)
def test_organization_code_check_digit_edge_values(code9):
    assert organization_code_valid(code9)


# --- LEI ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lei", ["5493001KJTIIGC8Y1R12", "7LTWFZYICNSX8D621K86", "HWUPKR0MPOU8FGXBT394"])
def test_published_leis_are_valid(lei):
    assert validate_lei(lei.lower()) == lei


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("5493001KJTIIGC8Y1R13", "check digits are '13' but should be '12'"),
        ("5493001KJTIIGC8Y1R1", "has 19 characters"),
        ("5493001KJTIIGC8Y1R1A", "must end in two digits"),
        ("5493001KJTIIGC8Y1_12", "'_' at position 18"),
    ],
)
def test_lei_errors(code, message):
    with pytest.raises(ValueError, match=message):
        validate_lei(code)


@given(alphanumeric_bodies)
def test_lei_body_with_computed_check_digits_validates(body):
    assert validate_lei(body + lei_check_digits(body))


# --- ISIN --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "isin", ["US0378331005", "HK0000069689", "GB0002374006", "DE0005140008", "CNE1000001Z5"]
)
def test_published_isins_are_valid(isin):
    assert validate_isin(isin.lower()) == isin


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("US0378331006", "check digit is '6' but should be '5'"),
        ("QQ0378331005", "'QQ', which is neither an ISO 3166 country code"),
        ("US037833100", "has 11 characters"),
        ("US037833100X", "must end in a digit"),
    ],
)
def test_isin_errors(code, message):
    with pytest.raises(ValueError, match=message):
        validate_isin(code)


@pytest.mark.parametrize("isin", ["XS0000000009", "EU0000000008"])
def test_anna_special_prefixes_accepted(isin):
    assert validate_isin(isin) == isin


# --- EVM address (EIP-55) ----------------------------------------------------------------------------

EIP55_VECTORS = [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]


@pytest.mark.parametrize("address", EIP55_VECTORS)
def test_eip55_vectors_accepted_checksummed_or_single_case(address):
    assert validate_evm_address(address) == address
    assert validate_evm_address(address.lower()) == address
    assert validate_evm_address("0x" + address[2:].upper()) == address


@pytest.mark.parametrize("address", EIP55_VECTORS)
def test_wrong_mixed_case_names_checksummed_form(address):
    wrong = address[:2] + address[2:].swapcase()
    with pytest.raises(ValueError, match=f"checksummed form of these hex digits is '{address}'"):
        validate_evm_address(wrong)


@pytest.mark.parametrize(
    "address", ["5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x5aAeb6053F3E94C9", "0xZZ" + "0" * 38]
)
def test_malformed_address_rejected(address):
    with pytest.raises(ValueError, match="'0x' followed by 40 hexadecimal"):
        validate_evm_address(address)


# --- Currency ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"), [("usd", "USD"), (" HKD ", "HKD"), ("CNY", "CNY"), ("cnh", "CNH")]
)
def test_currency_accepted(code, expected):
    assert validate_currency(code) == expected


@pytest.mark.parametrize("code", ["RMB", "US", "USDT", "XYZ", ""])
def test_unknown_currency_rejected(code):
    with pytest.raises(ValueError, match="use an ISO 4217 code"):
        validate_currency(code)
