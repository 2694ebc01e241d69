"""Attribution beyond the family tables (those are in tests/attribution/): phrases and kinds, the name
index, the seed, scores on the labelled files, and `scrapy attribute`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.attribution import Attribution, Chain, NameIndex, find_attributions
from core.attribution.evaluate import evaluate, score

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "attribution"
# The seed copy (../shared/seeds/000_cf406d2a4f39d281.txt), kept byte for byte with the 93z fixtures.
SEED = Path(__file__).parent / "fixtures" / "93z" / "seed.txt"


# --- phrases and kinds ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("به گزارش ایسنا به نقل از وزارت ارتباطات و فناوری اطلاعات، طرح اجرا شد.",
         ["به گزارش ایسنا", "به نقل از وزارت ارتباطات و فناوری اطلاعات"]),
        ("به گزارش ایلنا و به نقل از روابط عمومی شرکت مخابرات ایران، قطعی رفع شد.",
         ["به گزارش ایلنا", "به نقل از روابط عمومی شرکت مخابرات ایران"]),
        ("به گزارش مرکز روابط عمومی و اطلاع‌رسانی وزارت ارتباطات و فناوری اطلاعات، نشست برگزار شد.",
         ["به گزارش مرکز روابط عمومی و اطلاع‌رسانی وزارت ارتباطات و فناوری اطلاعات"]),
        ("تهران - ایرنا - وزیر گفت.", ["تهران - ایرنا -"]),
        ("ایسنا - گروه اقتصادی: دلار گران شد.", ["ایسنا - گروه اقتصادی:"]),
        ("TEHRAN (MNA) – The minister arrived.", ["TEHRAN (MNA) –"]),
        ("روزنامه شرق نوشت: قیمت‌ها بالا رفت.", ["روزنامه شرق نوشت:"]),
        ("متن.\nمنبع:ایرنا", ["منبع:ایرنا"]),
        ("The Ministry of ICT said in a statement that the outage was fixed.",
         ["The Ministry of ICT said in a statement"]),
        ("Officials spoke, according to the ICT ministry's website.", ["according to the ICT ministry"]),
        ("به گزارش «تجهیزات جانبی»، گوشی آمد.", ["به گزارش «تجهیزات جانبی»"]),
    ],
)
def test_phrases_are_cut_from_the_text_as_written(names: NameIndex, text: str, phrases: list[str]) -> None:
    assert [a.phrase for a in find_attributions(text, names).attributions] == phrases


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("به گزارش ایسنا، x", "agency"),
        ("به گزارش روابط عمومی وزارت ارتباطات، x", "ministry"),
        ("به گزارش روابط عمومی وزارت نیرو، x", "ministry"),
        ("به گزارش خبرگزاری رویترز، x", "agency"),
        ("به گزارش روزنامه شرق، x", "newspaper"),
        ("به گزارش سازمان فناوری اطلاعات ایران، x", "government"),
        ("به گزارش سایت خبری تحلیلی نوآوران، x", None),
        ("به گزارش شرکت مخابرات ایران، x", None),
        ("according to Tehran Times, x", "newspaper"),
    ],
)
def test_kinds_come_from_the_registry_or_the_head_word(names: NameIndex, text: str, kind: str | None) -> None:
    (attribution,) = find_attributions(text, names).attributions
    assert attribution.kind == kind


# --- the name index -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("وزارت ارتباطات و فناوری اطلاعات", "ict"),
        ("وزارت ارتباطات و فناوري اطلاعات", "ict"),
        ("وزارت  ارتباطات  و فناوری  اطلاعات", "ict"),
        ("مرکز روابط عمومی و اطلاع رسانی وزارت ارتباطات و فناوری اطلاعات", "ict"),
        ("مرکز روابط عمومی و اطلاعرسانی وزارت ارتباطات و فناوری اطلاعات", "ict"),
        ("اداره کل روابط عمومی وزارت ارتباطات", "ict"),
        ("وزارت علوم ، تحقیقات و فناوری", "msrt"),
        ("وزارت علوم تحقیقات و فناوری", "msrt"),
        ("خبرگزاری جمهوری اسلامی (ایرنا)", "irna"),
        ("ایرنا (خبرگزاری جمهوری اسلامی)", "irna"),
        ("خبرگزاری ایسنا", "isna"),
        ("ISNA", "isna"),
        ("Mehr News Agency", "mehr"),
        ("the ICT ministry", "ict"),
        ("آی سی تی نا", "ictna"),
        ("صدا و سیما", "iribnews"),
        ("خبرگزاری صداوسیما", "iribnews"),
        ("https://www.tasnimnews.com/fa/news/1403/06/12/1", "tasnim"),
        ("yazd.ict.gov.ir", "ict"),
        ("شرکت مخابرات ایران", None),
        ("", None),
    ],
)
def test_name_index_resolves_spelling_variants(names: NameIndex, name: str, key: str | None) -> None:
    hit = names.resolve(name)
    assert (hit[0] if hit else None) == key


# --- the seed ----------------------------------------------------------------------------------------
def test_seed_credits_the_ministry(names: NameIndex) -> None:
    text = SEED.read_text(encoding="utf-8")
    chain = find_attributions(text, names)
    ict = [a for a in chain.attributions if a.source == "ict"]
    assert len(ict) == 1
    assert ict[0].phrase == "به نقل از وزارت ارتباطات و فناوری اطلاعات"
    assert ict[0].name == "وزارت ارتباطات و فناوری اطلاعات"
    assert ict[0].kind == "ministry"
    assert [a.source for a in chain.attributions] == ["93z", "ict"]


def test_seed_on_its_own_outlet_is_the_ministry_alone(names: NameIndex) -> None:
    chain = find_attributions(SEED.read_text(encoding="utf-8"), names, publisher="93z")
    assert chain.attributions == (
        Attribution(name="وزارت ارتباطات و فناوری اطلاعات", source="ict", kind="ministry",
                    phrase="به نقل از وزارت ارتباطات و فناوری اطلاعات"),
    )
    assert chain.own_reporting is False


def test_without_publisher_every_credited_name_counts(names: NameIndex) -> None:
    chain = find_attributions("به گزارش ایسنا به نقل از وزارت ارتباطات و فناوری اطلاعات، x", names)
    assert [a.source for a in chain.attributions] == ["isna", "ict"]


# --- evaluation ------------------------------------------------------------------------------------
def _credit_lines() -> tuple[list[str], list[list[str]]]:
    texts: list[str] = []
    labels: list[list[str]] = []
    for line in (FIXTURES / "credit_lines.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        text, _, label = line.partition("\t")
        texts.append(text)
        labels.append([x for x in label.split("|") if x])
    return texts, labels


def test_evaluation_on_the_credit_line_file(names: NameIndex, capsys: pytest.CaptureFixture[str]) -> None:
    texts, labels = _credit_lines()
    assert len(texts) >= 150
    scores = evaluate(texts, labels, names)
    with capsys.disabled():
        print(f"\nattribution on tests/fixtures/attribution/credit_lines.tsv: {scores}")
    assert scores.precision >= 0.98
    assert scores.recall >= 0.95


def test_real_credit_lines_dev_split_holds_its_scores(capsys: pytest.CaptureFixture[str]) -> None:
    """tests/fixtures/realtext/credit_lines.tsv: the grammar is developed against the dev split, and
    this keeps it from sliding back (the blind split is only scored, never asserted on here)."""
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "attribute", "--split", "dev",
         "--evaluate", "tests/fixtures/realtext/credit_lines.tsv"],
        cwd=REPO, capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    row = next(line.split() for line in result.stdout.splitlines() if line.startswith("dev "))
    precision, recall = float(row[5]), float(row[6])
    with capsys.disabled():
        print(f"\nreal credit lines, dev split: P {precision:.3f} R {recall:.3f}")
    assert precision >= 0.98 and recall >= 0.76


def test_score_counts_partial_and_wrong_chains() -> None:
    isna = Attribution("ایسنا", "isna", "agency", "به گزارش ایسنا")
    other = Attribution("روزنامه شرق", None, "newspaper", "به نوشته روزنامه شرق")
    scores = score([Chain((isna, other), False), Chain((), False)], [["isna", "شرق"], ["ict"]])
    assert (scores.found, scores.expected, scores.correct, scores.exact) == (2, 3, 2, 1)
    assert scores.precision == 1.0
    assert scores.recall == pytest.approx(2 / 3)


# --- the command ---------------------------------------------------------------------------------
def _run_attribute(*args: str, stdin: bytes | None = None,
                   sources: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "LANG": "C"}
    if sources is not None:
        env["MANBA_SOURCES_FILE"] = str(sources)
    scrapy = str(Path(sys.executable).with_name("scrapy"))
    return subprocess.run([scrapy, "attribute", *args], cwd=REPO, env=env, input=stdin,
                          capture_output=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def test_registry_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("registry") / "sources.toml"
    shipped = (REPO / "core" / "sources.toml").read_text(encoding="utf-8")
    path.write_text(shipped + "\n" + (FIXTURES / "extra_sources.toml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    return path


def test_command_writes_one_json_line_per_input_line(tmp_path: Path, test_registry_file: Path) -> None:
    source = tmp_path / "lines.txt"
    source.write_bytes(
        "\ufeffبه گزارش ایسنا به نقل از وزارت ارتباطات و فناوری اطلاعات، طرح اجرا شد.\r\n"
        "\n"
        "تهران - ۱۵ مهر ۱۴۰۳ - نشست برگزار شد.\n"
        "به گزارش روابط عمومی شرکت مخابرات ایران، قطعی رفع شد.".encode()
    )
    result = _run_attribute(str(source), sources=test_registry_file)
    assert result.returncode == 0, result.stderr.decode()
    lines = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert lines == [
        {"line": 1, "attributions": [
            {"source": "isna", "name": "ایسنا", "kind": "agency", "phrase": "به گزارش ایسنا"},
            {"source": "ict", "name": "وزارت ارتباطات و فناوری اطلاعات", "kind": "ministry",
             "phrase": "به نقل از وزارت ارتباطات و فناوری اطلاعات"}], "own_reporting": False},
        {"line": 2, "attributions": [], "own_reporting": False},
        {"line": 3, "attributions": [], "own_reporting": False},
        {"line": 4, "attributions": [
            {"source": None, "name": "شرکت مخابرات ایران", "kind": None,
             "phrase": "به گزارش روابط عمومی شرکت مخابرات ایران"}], "own_reporting": False},
    ]
    assert "ایسنا" in result.stdout.decode("utf-8")  # ensure_ascii=False


def test_command_reads_stdin_and_leaves_the_site_out(test_registry_file: Path) -> None:
    seed = SEED.read_text(encoding="utf-8").replace("\n", " ")
    result = _run_attribute("-", "--site", "93z", stdin=(seed + "\n").encode(), sources=test_registry_file)
    assert result.returncode == 0, result.stderr.decode()
    (line,) = [json.loads(x) for x in result.stdout.decode("utf-8").splitlines()]
    assert line == {"line": 1, "attributions": [
        {"source": "ict", "name": "وزارت ارتباطات و فناوری اطلاعات", "kind": "ministry",
         "phrase": "به نقل از وزارت ارتباطات و فناوری اطلاعات"}], "own_reporting": False}


def test_command_rejects_an_unknown_site(test_registry_file: Path) -> None:
    result = _run_attribute("-", "--site", "nope", stdin=b"", sources=test_registry_file)
    assert result.returncode == 2
    assert b"unknown source 'nope'" in result.stderr


# --- labelled files and `scrapy attribute --evaluate` ---------------------------------------------
LABELLED = (
    "# a comment\n"
    "id\tsplit\tlang\toutlet\turl\tfamily\tmust\tmay\ttext\n"
    "1\tdev\tfa\ta.ir\thttp://a.ir/1\thop\tایسنا|وزارت ارتباطات\t\t"
    "به گزارش ایسنا به نقل از وزارت ارتباطات، طرح\n"
    "2\tdev\tfa\ta.ir\thttp://a.ir/2\tnegative\t\t\tوزیر ارتباطات گفت که طرح اجرا شد.\n"
    "3\tblind\ten\tb.com\thttp://b.com/3\ten_reported\tIRNA\t\tThe minister arrived, IRNA reported.\n"
    "4\tblind\tfa\tb.com\thttp://b.com/4\tlabel\tروزنامه کیهان\tایسنا\tمتن خبر.\\nمنبع: ایسنا\n"
)


def test_labelled_files_are_read_with_a_header_or_as_text_and_labels(tmp_path: Path) -> None:
    from core.attribution.evaluate import read_labelled

    path = tmp_path / "lines.tsv"
    path.write_text(LABELLED, encoding="utf-8")
    rows = read_labelled(path)
    assert [(r.must, r.may, r.get("split")) for r in rows] == [
        (("ایسنا", "وزارت ارتباطات"), (), "dev"), ((), (), "dev"), (("IRNA",), (), "blind"),
        (("روزنامه کیهان",), ("ایسنا",), "blind")]
    assert rows[3].text == "متن خبر.\nمنبع: ایسنا"
    plain = tmp_path / "plain.tsv"
    plain.write_text("# old layout\nبه گزارش ایسنا، x\tisna\nبنابر این گزارش، x\t\n", encoding="utf-8")
    assert [(r.text, r.must) for r in read_labelled(plain)] == [("به گزارش ایسنا، x", ("isna",)),
                                                               ("بنابر این گزارش، x", ())]
    broken = tmp_path / "broken.tsv"
    broken.write_text(LABELLED.replace("\tnegative\t", "\t"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken.tsv:4: 8 columns, the header has 9"):
        read_labelled(broken)


def test_may_labels_are_not_wrong_and_not_needed(names: NameIndex) -> None:
    from core.attribution.evaluate import compare

    chain = find_attributions("به گزارش ایسنا، متن.\nمنبع: ایرنا", names)
    assert [a.source for a in chain.attributions] == ["isna", "irna"]
    outcome = compare(chain, ["خبرگزاری دانشجویان ایران"], ["IRNA"], names)  # labels as names resolve
    assert (outcome.wrong, outcome.missed, outcome.exact) == ((), (), False)
    outcome = compare(chain, ["ایسنا", "فارس"], [], names)
    assert [a.source for a in outcome.wrong] == ["irna"]
    assert outcome.missed == ("فارس",)


def test_command_evaluates_a_labelled_file_and_keeps_the_blind_split_out_of_the_errors(
        tmp_path: Path, test_registry_file: Path) -> None:
    path = tmp_path / "lines.tsv"
    path.write_text(LABELLED, encoding="utf-8")
    result = _run_attribute("--evaluate", str(path), "--errors", sources=test_registry_file)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode("utf-8")
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:] if line.strip()}
    # dev: 2 labels found of 2; blind: IRNA found, «منبع: ایسنا» is a may-label, کیهان missed
    assert rows["dev"][1:8] == ["2", "2", "2", "2", "1.000", "1.000", "1.000"]
    assert rows["blind"][1:8] == ["2", "2", "2", "2", "1.000", "0.500", "0.667"]
    assert rows["all"][1:7] == ["4", "4", "4", "4", "1.000", "0.750"]
    assert "missed" not in out  # the only error is in the blind split
    blind = _run_attribute("--evaluate", str(path), "--split", "blind", "--errors",
                           sources=test_registry_file)
    assert "missed 'روزنامه کیهان'" in blind.stdout.decode("utf-8")
    bad = _run_attribute("--evaluate", str(path), "some.txt", sources=test_registry_file)
    assert bad.returncode == 2 and b"--evaluate FILE takes no PATH" in bad.stderr
