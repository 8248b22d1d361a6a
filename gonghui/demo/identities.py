"""Names and national identifiers for demo people and organisations.

Every number is valid by its standard (GB 11643 resident IDs, GB 32100 credit codes, mainland
mobiles) and unique by construction, so a million workers need no set of every number issued.
"""

import datetime as dt
import itertools
import random

from gonghui.core.validators import resident_id_check_char, uscc_check_char

from . import names

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "147", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "166", "176", "177", "178", "180", "181", "182", "183", "184",
    "185", "186", "187", "188", "189", "191", "198", "199",
)


def weighted(pairs):
    values, weights = zip(*pairs, strict=True)
    return values, list(itertools.accumulate(weights))


class PersonNames:
    """Surname by census weight, then one or two given-name characters from a gendered pool."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._surnames, self._cum = weighted(names.SURNAMES)

    def name(self, male: bool) -> str:
        rng = self.rng
        surname = rng.choices(self._surnames, cum_weights=self._cum)[0]
        pool = names.MALE_CHARS if male else names.FEMALE_CHARS
        roll = rng.random()
        if roll < 0.22:
            return surname + rng.choice(pool)
        if not male and roll < 0.25:
            return surname + rng.choice(names.FEMALE_DOUBLED) * 2
        first = rng.choice(pool)
        second = rng.choice(pool)
        while second == first:
            second = rng.choice(pool)
        return surname + first + second


class ResidentIds:
    """Unique 18-character resident IDs.

    Digits 15-17 (a two-digit station code and the sex digit) come from a counter per birth date and
    sex run through a shuffled table: 500 numbers per day and sex, unique without remembering them.
    """

    PER_DAY = 500

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._areas, self._cum = weighted(names.BIRTH_AREAS)
        self._perm = list(range(self.PER_DAY))
        rng.shuffle(self._perm)
        self._used: dict[tuple[int, bool], int] = {}

    def issue(self, birth: dt.date, male: bool) -> str:
        key = (birth.toordinal(), male)
        while self._used.get(key, 0) >= self.PER_DAY:  # a full day: move to the next one
            birth += dt.timedelta(days=1)
            key = (birth.toordinal(), male)
        slot = self._used.get(key, 0)
        self._used[key] = slot + 1
        # Offset by the date so the first person of every day does not share the same digits.
        station, sex_pos = divmod(self._perm[(slot + key[0] * 7919) % self.PER_DAY], 5)
        sex = 2 * sex_pos + (1 if male else 0)
        area = self.rng.choices(self._areas, cum_weights=self._cum)[0]
        first17 = f"{area}{birth:%Y%m%d}{station:02d}{sex}"
        return first17 + resident_id_check_char(first17)


class Mobiles:
    """Unique mobile numbers: the last eight digits are a bijection of the issue counter."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._high = list(range(10_000))
        rng.shuffle(self._high)
        self._offset = [rng.randrange(10_000) for _ in range(10_000)]
        self._count = 0

    def issue(self) -> str:
        q, r = divmod(self._count, 10_000)
        if q >= 10_000:
            raise OverflowError("more than 10^8 demo mobile numbers")
        self._count += 1
        # For a fixed r, q -> q*7919 mod 10^4 is one-to-one (7919 is prime to 10^4).
        low = (q * 7919 + self._offset[r]) % 10_000
        return f"{self.rng.choice(_MOBILE_PREFIXES)}{self._high[r]:04d}{low:04d}"


class CreditCodes:
    """Unified social credit codes registered in the demo district (91 company, 81 union, ...)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._seen: set[str] = set()

    def issue(self, prefix: str) -> str:
        rng = self.rng
        while True:
            if rng.random() < 0.7:  # codes issued since 2015 carry "MA" in the organisation code part
                body = "MA4K" + "".join(rng.choices(_USCC_ALPHABET, k=5))
            else:
                body = "".join(rng.choices("0123456789", k=8)) + rng.choice(_USCC_ALPHABET)
            first17 = f"{prefix}{names.DISTRICT_DIVISION}{body}"
            if first17 not in self._seen:
                self._seen.add(first17)
                return first17 + uscc_check_char(first17)


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))
