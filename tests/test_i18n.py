"""Internationalisation: the English catalog is complete and compiled, the English UI shows no
Chinese, dates follow Django's formats, and the language switcher persists the choice.

Simplified Chinese is the source language (msgids are the Chinese text, decision 0001); the
``en`` catalog is the only one of our own.
"""

from __future__ import annotations

import ast
import datetime as dt
import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

CJK = re.compile(r"[\u4e00-\u9fff]")
# The switcher names each language in that language, so "简体中文" is on every English page.
SWITCHER_LABEL = "简体中文"
# printf-style placeholders as Python's % operator reads them (%% is a literal percent sign).
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGoc%]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_plural[k] for k in sorted(self.msgstr_plural)]


def parse_po(path: Path) -> tuple[Entry, list[Entry]]:
    """The header and the message entries of a .po file as gettext tools write it: entries
    separated by blank lines, obsolete (#~) entries skipped."""
    keyword = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$")
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, raw in enumerate([*lines, ""], start=1):
        line = raw.strip()
        if not line:
            if current is not None and target is not None:
                entries.append(current)
            current, target = None, None
            continue
        if line.startswith("#~"):
            continue
        if current is None:
            current = Entry(line=number)
        if line.startswith("#,"):
            current.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
        elif line.startswith("#"):
            continue
        elif match := keyword.match(line):
            name, index, literal = match.groups()
            target = (name, int(index) if index is not None else None)
            _append(current, target, ast.literal_eval(literal))
        elif line.startswith('"') and target is not None:
            _append(current, target, ast.literal_eval(line))
        else:
            raise AssertionError(f"{path}:{number}: cannot parse {raw!r}")
    header = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    return header, [e for e in entries if e is not header]


def _append(entry: Entry, target: tuple[str, int | None], text: str) -> None:
    name, index = target
    if name == "msgstr" and index is not None:
        entry.msgstr_plural[index] = entry.msgstr_plural.get(index, "") + text
    elif name == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    elif name == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + text
    else:
        setattr(entry, name, getattr(entry, name) + text)


@pytest.fixture(scope="module")
def catalog() -> tuple[Entry, list[Entry]]:
    return parse_po(PO_PATH)


def where(entry: Entry) -> str:
    return f"django.po:{entry.line} {entry.msgid!r}"


def test_the_parser_reads_plurals_contexts_and_continuation_lines(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py:1\n#, python-format\nmsgid "共 %(n)s 条"\nmsgid_plural "共 %(n)s 条"\n'
        'msgstr[0] "%(n)s entry"\nmsgstr[1] "%(n)s entries"\n\n'
        'msgctxt "动词"\nmsgid "办理"\nmsgstr ""\n"Han"\n"dle"\n\n'
        '#~ msgid "旧"\n#~ msgstr "old"\n',
        encoding="utf-8",
    )
    header, entries = parse_po(po)
    assert header.msgstr == "Language: en\n"
    plural, handle = entries
    assert plural.flags == {"python-format"}
    assert plural.translations == ["%(n)s entry", "%(n)s entries"]
    assert (handle.msgctxt, handle.msgid, handle.msgstr) == ("动词", "办理", "Handle")


def test_the_english_catalog_is_complete_and_not_fuzzy(catalog):
    header, entries = catalog
    assert "fuzzy" not in header.flags
    assert "Language: en\n" in header.msgstr
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr
    assert len(entries) > 300  # the whole UI, not a stub
    fuzzy = [where(e) for e in entries if "fuzzy" in e.flags]
    empty = [where(e) for e in entries if not all(t.strip() for t in e.translations)]
    assert fuzzy == []
    assert empty == []
    plurals = [e for e in entries if e.msgid_plural is not None]
    assert plurals, "the catalog has plural entries ({% plural %} / ngettext)"
    assert all(sorted(e.msgstr_plural) == [0, 1] for e in plurals)


def test_msgstr_keeps_exactly_the_placeholders_of_its_msgid(catalog):
    _, entries = catalog
    wrong = []
    for entry in entries:
        expected = Counter(PLACEHOLDER.findall(entry.msgid))
        if entry.msgid_plural is not None:
            assert Counter(PLACEHOLDER.findall(entry.msgid_plural)) == expected, where(entry)
        for text in entry.translations:
            if Counter(PLACEHOLDER.findall(text)) != expected:
                wrong.append((where(entry), text))
        if expected and "python-format" not in entry.flags:
            wrong.append((where(entry), "placeholders without the python-format flag"))
    assert wrong == []


def test_english_text_is_a_translation(catalog):
    # Values the spreadsheet importers parse (休, 班, 街道, 社区 …) are not msgids at all: a
    # translation would put an example into the English template that the importer then
    # rejects (see test_the_english_import_template_keeps_its_chinese_examples_importable).
    _, entries = catalog
    untranslated = [
        where(e)
        for e in entries
        if CJK.search(e.msgid) and any(t == e.msgid for t in e.translations)
    ]
    assert untranslated == []


def javascript_msgids() -> set[str]:
    """Msgids whose translation lands inside a JavaScript string literal of a template,
    e.g. onsubmit="return confirm('{% translate "确定停用该单位？" %}')"."""
    literal = re.compile(r"""'\{%\s*translate\s+"([^"]+)"\s*%\}'""")
    templates = Path(settings.TEMPLATES[0]["DIRS"][0])
    found: set[str] = set()
    for path in templates.rglob("*.html"):
        found.update(literal.findall(path.read_text(encoding="utf-8")))
    return found


def test_translations_inside_javascript_strings_cannot_break_them(catalog):
    # The HTML parser turns the escaped &#x27; back into ' before the script runs, so an
    # apostrophe (or a backslash) would end or garble the '…' literal.
    _, entries = catalog
    inside_js = javascript_msgids()
    assert inside_js, "the scan no longer finds confirm('{% translate … %}') in templates"
    by_msgid = {e.msgid: e for e in entries}
    unsafe = [
        where(by_msgid[m])
        for m in sorted(inside_js & by_msgid.keys())
        if any(c in t for t in by_msgid[m].translations for c in "'\\\n")
    ]
    assert unsafe == []


def test_the_compiled_catalog_matches_the_po_file(catalog):
    _, entries = catalog
    with MO_PATH.open("rb") as fp:
        mo = gettext.GNUTranslations(fp)
    stale = []
    for entry in entries:
        if entry.msgid_plural is not None:
            got = [mo.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
            want = [entry.msgstr_plural[0], entry.msgstr_plural[1]]
        elif entry.msgctxt is not None:
            got, want = mo.pgettext(entry.msgctxt, entry.msgid), entry.msgstr
        else:
            got, want = mo.gettext(entry.msgid), entry.msgstr
        if got != want:
            stale.append(where(entry))
    assert stale == [], "run: manage.py compilemessages -l en --ignore=.venv"


def english_client() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def assert_no_chinese(html: str) -> None:
    assert SWITCHER_LABEL in html  # the switcher is there, and is the only Chinese allowed
    leftover = CJK.findall(html.replace(SWITCHER_LABEL, ""))
    context = [html[max(m.start() - 60, 0) : m.end() + 60] for m in CJK.finditer(html)]
    assert leftover == [], context


@pytest.mark.django_db
def test_the_login_page_in_english_has_no_chinese():
    client = english_client()
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Staff sign-in" in html
    assert_no_chinese(html)

    failed = client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    assert failed.status_code == 200
    assert "Incorrect username or password" in failed.content.decode()
    assert_no_chinese(failed.content.decode())


@pytest.mark.django_db
def test_the_404_page_in_english_has_no_chinese():
    response = english_client().get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert_no_chinese(html)


@pytest.mark.django_db
def test_a_signed_in_page_in_english_has_no_chinese():
    client = english_client()
    client.force_login(UserFactory(username="newclerk", display_name="New Clerk"))
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign out" in html
    assert 'id="language-switcher"' in html
    assert_no_chinese(html)


@pytest.mark.django_db
def test_chinese_is_the_default_language(client):
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "工作人员登录" in html
    assert "Staff sign-in" not in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "2026年11月21日"), ("en", "Nov. 21, 2026")],
)
def test_dates_render_through_django_formats(language, expected):
    day = dt.date(2026, 11, 21)
    template = Template('{{ d|date:"DATE_FORMAT" }}|{{ d }}')
    with translation.override(language):
        assert template.render(Context({"d": day})) == f"{expected}|{expected}"


def switcher_form(html: str) -> dict[str, str]:
    form = re.search(r'<form[^>]*id="language-switcher".*?</form>', html, re.S)
    assert form, "no language switcher on the page"
    markup = form.group(0)
    action = re.search(r'action="([^"]+)"', markup)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', markup)
    next_url = re.search(r'name="next" value="([^"]*)"', markup)
    languages = re.findall(r'name="language" value="([^"]+)"', markup)
    assert action and token and next_url
    return {
        "action": action.group(1),
        "csrfmiddlewaretoken": token.group(1),
        "next": next_url.group(1),
        "languages": ",".join(languages),
    }


@pytest.mark.django_db
def test_the_switcher_posts_to_set_language_and_the_choice_persists():
    client = Client(enforce_csrf_checks=True)
    login = reverse("login")
    form = switcher_form(client.get(f"{login}?next=/people/").content.decode())
    assert form["action"] == reverse("set_language") == "/i18n/setlang/"
    assert form["languages"] == "zh-hans,en"
    assert form["next"] == f"{login}?next=/people/"

    response = client.post(
        form["action"],
        {
            "language": "en",
            "next": form["next"],
            "csrfmiddlewaretoken": form["csrfmiddlewaretoken"],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{login}?next=/people/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(response["Location"]).content.decode()
    assert "Staff sign-in" in html
    assert_no_chinese(html)

    form = switcher_form(html)
    client.post(
        form["action"],
        {
            "language": "zh-hans",
            "next": form["next"],
            "csrfmiddlewaretoken": form["csrfmiddlewaretoken"],
        },
    )
    assert "工作人员登录" in client.get(login).content.decode()


@pytest.mark.django_db
def test_the_switcher_without_a_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


@pytest.mark.django_db
def test_the_public_pages_carry_the_switcher_too():
    html = Client().get("/no-such-page/").content.decode()
    form = switcher_form(html)
    assert form["next"] == "/no-such-page/"
    assert form["languages"] == "zh-hans,en"


def english_page_leftovers(html: str, data: set[str]) -> list[str]:
    """The Chinese left on an English page once the data values it shows (region names,
    default category names: stored text, not UI) and the switcher label are taken out,
    each with some context. Longest values first, so "江滨街道" goes before "江滨"."""
    for value in sorted(data | {SWITCHER_LABEL}, key=len, reverse=True):
        html = html.replace(value, "")
    runs = re.finditer(r"[\u4e00-\u9fff]+", html)
    return [html[max(m.start() - 60, 0) : m.end() + 60] for m in runs]


@pytest.mark.django_db
def test_the_regional_settings_pages_in_english_have_no_chinese_but_data(tree):
    from minqing.accounts.models import Role
    from minqing.core.config import DEFAULT_CATEGORIES
    from minqing.core.models import Region, RegionSetting
    from tests.factories import user_with_role

    staff = user_with_role(Role.CONGRESS_STAFF, tree.city)
    staff.display_name = "Clerk"
    staff.save(update_fields=["display_name"])
    RegionSetting.objects.create(region=tree.city, key="opinion.reply_working_days", value=10)
    client = english_client()
    client.force_login(staff)
    data = set(Region.objects.values_list("name", flat=True))
    data |= {c["name"] for c in DEFAULT_CATEGORIES}

    html = client.get(reverse("core:settings") + "?region=990102").content.decode()
    assert "Regional settings" in html
    assert "Inherited from 澜州市" in html  # the region name is data, the text around it is not
    assert "Time to reply" in html and "working days" in html
    assert SWITCHER_LABEL in html
    assert english_page_leftovers(html, data) == []

    edit = reverse("core:setting_edit", args=["990102", "opinion.reply_working_days"])
    html = client.get(edit).content.decode()
    assert "Time to reply (working days)" in html
    assert "Currently inherited from 澜州市: " in html
    assert english_page_leftovers(html, data) == []

    html = client.post(edit, {"action": "set", "value": "200"}).content.decode()
    assert "&quot;Time to reply&quot; cannot be greater than 90" in html
    assert english_page_leftovers(html, data) == []


def test_the_leftover_check_finds_chinese_that_is_not_data():
    html = "<p>Inherited from 澜州市</p><p>继承自澜州市</p>"
    assert english_page_leftovers(html, {"澜州市"}) == ["<p>Inherited from </p><p>继承自</p>"]


def test_domain_errors_come_out_in_the_active_language():
    from django.core.exceptions import ValidationError

    from minqing.core.config import REGISTRY
    from minqing.core.states import InvalidTransition
    from minqing.stations.states import STATION_STATES, StationStatus

    setting = REGISTRY["opinion.reply_working_days"]
    with translation.override("en"):
        error = InvalidTransition(STATION_STATES, StationStatus.PLANNED, StationStatus.CLOSED)
        assert str(error) == 'Cannot change from "In preparation" to "Revoked"'
        with pytest.raises(ValidationError) as invalid:
            setting.parse("abc")
        assert invalid.value.messages == ['"Time to reply" must be a number']
        with pytest.raises(ValidationError) as too_big:
            setting.parse("200")
        assert too_big.value.messages == ['"Time to reply" cannot be greater than 90']
    # The same registry speaks Chinese in the default language: nothing was frozen at import.
    with translation.override(settings.LANGUAGE_CODE):
        error = InvalidTransition(STATION_STATES, StationStatus.PLANNED, StationStatus.CLOSED)
        assert str(error) == "不能从「筹建中」变为「已撤销」"
        with pytest.raises(ValidationError) as too_big:
            setting.parse("200")
        assert too_big.value.messages == ["「答复时限」不能大于 90"]


def test_the_english_import_template_keeps_its_chinese_examples_importable():
    # Example cells are data the importer reads back ("休", "班"); only the instructions
    # sheet is translated.
    from io import BytesIO

    from openpyxl import load_workbook

    from minqing.core.forms import calendar_template, read_calendar_upload

    with translation.override("en"):
        data = calendar_template()
        upload = BytesIO(data)
        upload.name = "calendar.xlsx"
        rows, errors = read_calendar_upload(upload)
    assert errors == []
    assert [(r.date.isoformat(), r.kind) for r in rows] == [
        ("2027-01-01", "holiday"),
        ("2027-02-06", "workday"),
    ]
    workbook = load_workbook(BytesIO(data))
    assert workbook.sheetnames == ["Data", "Instructions"]
    assert workbook["Instructions"]["A1"].value == "Column"
