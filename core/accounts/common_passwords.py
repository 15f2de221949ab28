"""Passwords that Chinese users choose most often (the CSDN and Tianya leaks of 2011 and
later lists), which zxcvbn's English-centred lists do not all catch: pinyin phrases such as
"woaini" (I love you) and number puns such as 5201314 ("I love you for a lifetime")."""

COMMON = frozenset(
    ["123456789", "12345678", "11111111", "dearbook", "00000000", "123123123", "1234567890", "88888888", "111111111", "147258369", "987654321", "aaaaaaaa", "1111111111", "66666666", "a123456789", "11223344", "1qaz2wsx", "xiazhili", "789456123", "password", "87654321", "qqqqqqqq", "000000000", "qwertyuiop", "qq123456", "iloveyou", "31415926", "12344321", "0000000000", "asdfghjkl", "1q2w3e4r", "123456abc", "0123456789", "123654789", "12121212", "qazwsxedc", "abcd1234", "12341234", "110110110", "asdasdasd", "22222222", "123321123", "abc123456", "a12345678", "123456123", "a1234567", "1234qwer", "qwertyui", "123456789a", "aa123456", "woaini1314", "woaini520", "5201314", "52013145", "5201314520", "1314520520", "520520520", "1314520", "woaini123", "woaini", "woaiwojia", "iloveyou1314", "wang123456", "zhang123456", "li123456", "liu123456", "chen123456", "123456aa", "123456qq", "qwe123456", "88888888a", "147852369", "159357159", "7758521", "77585210", "zxcvbnm123", "asd123456", "caonima"]
)


def is_common(password: str) -> bool:
    """Whether the password (ignoring case and surrounding spaces) is on the list."""
    return password.strip().casefold() in COMMON
