"""The band hashes of two fixed texts, pinned: the store compares bands computed on other machines.

``minhash_bands`` holds the bands of every stored document and a new document finds its release by
equality on them, so a band computed today must equal the band computed by another process, another
machine or an earlier release. Tests elsewhere only compare bands computed within one process; these
pin the values themselves.

THESE VALUES MUST NEVER CHANGE silently. A change to any MinHash constant (``SEED``,
``PERMUTATIONS``, ``BANDS``/``ROWS``, ``WORD_BANDS``/``WORD_ROWS``, ``LEAD_WORDS``/``LEAD_BANDS``), to
the shingle hash, the shingle rule or the match text (credit and boilerplate removal, hazm's
normaliser, ``core.text.persian.match_words``) makes every store's band index stale. If such a
change is meant, update the values below in the same commit as a note in README ("Re-clustering")
telling users to run ``scrapy recluster`` (or a migration that does it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.syndication.decide import fingerprint
from core.syndication.minhash import band_hashes, lead_band_hashes, signature, word_band_hashes

REPO = Path(__file__).resolve().parent.parent

# An opening credit clause and a boilerplate line (both removed), ZWNJ, Persian digits; a first
# paragraph longer than the lead (24 words).
PERSIAN = (
    "به گزارش خبرگزاری نمونه به نقل از روابط عمومی وزارت نیرو، وزیر نیرو از افزایش ظرفیت نیروگاه‌های"
    " خورشیدی کشور به ۲۵۰۰ مگاوات تا پایان سال ۱۴۰۴ خبر داد و افزود که این ظرفیت برق بیش از یک میلیون"
    " خانوار را در ساعات اوج مصرف تأمین می‌کند.\n"
    "به گفته وی، پروژه‌های جدید در استان‌های کرمان، یزد و سیستان و بلوچستان با مشارکت بخش خصوصی"
    " اجرا می‌شوند و نخستین واحدها در تابستان آینده به شبکه سراسری متصل خواهند شد.\n"
    "معاون وزیر نیز گفت که اعتبار این طرح‌ها در لایحه بودجه پیش‌بینی شده و قراردادهای خرید برق"
    " تضمینی برای بیست سال امضا می‌شود.\n"
    "انتهای پیام"
)
# An English retelling of it (storage/translations.py stores those too).
ENGLISH = (
    "TEHRAN, Iran - The Ministry of Energy said on Monday that the country's solar capacity will reach"
    " 2,500 megawatts by the end of the Iranian year 1404.\n"
    "New plants in Kerman, Yazd and Sistan and Baluchestan provinces are being built with private"
    " investors, and the first units will join the national grid next summer.\n"
    "A deputy minister said the projects are funded in the budget bill and that guaranteed purchase"
    " contracts will run for twenty years."
)

# Computed once (SEED 1405, 128 permutations, 32×4 + 16×3 + 8 lead bands) and written down: never
# regenerate them to make this test pass (see the module docstring).
PERSIAN_BANDS = [
    # shingle bands 0–31 (band_hashes)
    5729118227754895432, -1775181472140926989, 7192134932093928597, 8899420981388546591,
    -4285664225187719545, -5873731970062542893, 289988503597471047, 4138326911237874408,
    4775689814751573754, -7413065869559033565, -1773254982923676267, -959009321825945140,
    -4746704028644097215, -7821602857249051817, -945023905410355431, -1204914056609940449,
    -1940786188769221358, 3366170427738091101, -3521921130712339198, -7790834023518906133,
    -5054302887391018415, 9078258238539736513, 1485679842096767747, -2849239710483258964,
    -4078064406661664424, -5492965517271550006, 7104242827456068423, 1561710148448220125,
    5373969084144237768, 6413448191294518077, 8017148392522178910, 2335169602572791705,
    # word bands 32–47 (word_band_hashes)
    -1472471218832911953, 7140212250297991573, -1022232828506350973, -9098114224019910094,
    4501641739320679301, 5365683404072437142, 705258209430250190, 2327899026718421155,
    -1929956197599712474, -3107856345800445128, 7573339322054775881, 2987998231909782141,
    8863811578751129125, -7363915189532266078, -9180765580412523543, -3481318132061029236,
    # lead bands 48–55 (lead_band_hashes)
    6414353942432587716, -4155741387687662091, 6233957963475073163, 1757598329933476219,
    2332843729646322289, -315820804886927154, -7963654458130118603, 8459807033990172423,
]
ENGLISH_BANDS = [
    # shingle bands 0–31 (band_hashes)
    6966624640768936367, -720722820927598787, -7630892999517997511, -5045916623664944932,
    -1060282283489330259, 881665626032584432, -5893332693031338691, 7775112745259342305,
    4147326306057424651, -2237196516059653313, 6253856973931356279, 160167756317609615,
    7797060601640991231, 7275925419818091089, 6617131594738523232, -3669823799101758319,
    6050356790307720625, -4124166501519524667, 3168090225211607677, -3131712970445724359,
    -1664648303210412476, 5732593859881196974, -2902149302169469409, 6148363220677692945,
    -649943839285764798, -3605805782486496553, 3779373072240920716, 5732489452325474517,
    2903010482869036202, 8756864001876619106, 3349394157737485540, -6841491277308270808,
    # word bands 32–47 (word_band_hashes)
    1641950061124939873, 8645753303743985246, 5088392851308442341, 3565554843153595016,
    -4280055371522371901, 7793672039015034113, 6772766187077483221, 5648355185478486490,
    -4692156188760104177, 7989992971215764135, 5802415164480434906, -5178607114722461025,
    -412981798944203334, -2287047641679997828, 386387418000348609, -5009069037913874623,
    # lead bands 48–55 (lead_band_hashes)
    2601226426250754034, -2321964732762057781, 3344922495042010807, 2300982547059491681,
    -5389179649298049400, 6698502352849568770, -5205512148817228563, -265471942672347256,
]

TEXTS = {"persian": (PERSIAN, PERSIAN_BANDS), "english": (ENGLISH, ENGLISH_BANDS)}


@pytest.mark.parametrize("name", TEXTS)
def test_bands_of_a_fixed_text_are_pinned(name: str) -> None:
    body, expected = TEXTS[name]
    fp = fingerprint(body)
    assert fp.bands == expected
    # Each of minhash's three functions on its own, at the band numbers the store gives them.
    words = [w for paragraph in fp.paragraphs for w in paragraph]
    assert band_hashes(signature(fp.text)) == expected[:32]
    assert word_band_hashes(words) == expected[32:48]
    assert lead_band_hashes(fp.text) == expected[48:]


_CHILD = """
import json, sys
from core.syndication.decide import fingerprint
texts = json.load(sys.stdin)
print(json.dumps({name: fingerprint(body).bands for name, body in texts.items()}))
"""


@pytest.mark.parametrize("seed", ["0", "12345"])
def test_bands_do_not_depend_on_pythons_hash_seed(seed: str) -> None:
    """Python randomises ``hash(str)`` per process; no band may depend on it (set order, say)."""
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", _CHILD], input=json.dumps({name: body for name, (body, _) in TEXTS.items()}),
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    bands = json.loads(result.stdout.strip().splitlines()[-1])
    assert bands == {name: expected for name, (_, expected) in TEXTS.items()}
