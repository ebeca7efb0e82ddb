"""Property tests (hypothesis): whatever a user or an attacker hands the scenario reader,
``--set`` or a name field, the result is a valid scenario or one line of error, and a name
never becomes markup or a terminal code (issue 12).

Derandomized, with no example database and a fixed number of examples each (the
``EXAMPLES`` below): CI runs the same examples every time, so it is stable, and a failure
is reproduced by running the test again. The counts are what CI runs.
"""

from __future__ import annotations

import html
import json
import re
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import load_scenario
from analysis.cli.entry import main
from analysis.decision.inputs import inputs
from analysis.errors import ScenarioError
from analysis.present.formatting import escape, terminal_text
from analysis.scenario.io import load_scenario_file, load_scenario_text, scenario_from_data
from analysis.scenario.model import Scenario
from analysis.scenario.overrides import apply_overrides
from analysis.scenario.yaml import dump_yaml

#: Examples per property in CI.
EXAMPLES = {"text": 400, "bytes": 200, "structure": 300, "mutation": 400, "set": 300,
            "cli": 60, "names": 300}  # fmt: skip


def fixed(examples: int):
    """The settings of every property here: derandomized, no database, no deadline (CI
    machines are slower than a laptop, and the first example pays for imports)."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


def assert_valid_or_one_line(read) -> None:
    """``read()`` gives a Scenario or raises a ScenarioError of one short line, and warns of
    nothing (a warning is more lines on stderr); any other exception (a RecursionError, a
    TypeError, a pydantic internal) fails the property."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            scenario = read()
    except ScenarioError as error:
        message = str(error)
        assert "\n" not in message and "\r" not in message, message
        assert 0 < len(message) <= 2_000, message
        assert "Traceback" not in message
        return
    assert isinstance(scenario, Scenario)


#: Pieces of YAML, so that random text is often nearly a scenario rather than noise.
YAML_PIECES = [
    "{", "}", "[", "]", ": ", ":", ", ", "- ", "\n", "  ", "    ", "&a ", "*a", "<<: *a",
    "!!python/object:os.system ", "!!binary ", "? ", "'", '"', "# ", "---\n", "...\n", "|\n",
    ">\n", "0x1F", "1e400", "-.inf", ".nan", "~", "null", "yes", "no", "-0.0", "9" * 5000,
    "schema: 2\n", "name: x\n", "options:\n", "incidents:\n", "kind: managed\n",
    "organisation: {employees: 5}\n", "\t", "\x00", "\ufeff", "\u202e", "é",
]  # fmt: skip
yamlish = st.lists(st.sampled_from(YAML_PIECES) | st.text(max_size=8), max_size=40).map("".join)


@fixed(EXAMPLES["text"])
@given(text=st.text(max_size=300) | yamlish)
def test_any_text_is_a_scenario_or_one_line_of_error(text):
    assert_valid_or_one_line(lambda: load_scenario_text(text, "fuzz.yaml"))


@fixed(EXAMPLES["bytes"])
@given(data=st.binary(max_size=400) | yamlish.map(lambda text: text.encode("utf-8", "replace")))
def test_any_bytes_in_a_file_are_a_scenario_or_one_line_of_error(tmp_path, data):
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data)
    assert_valid_or_one_line(lambda: load_scenario_file(path))


scalars = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
    | st.sampled_from(["schema", "options", "incidents", "managed", "pay_per_incident", 2])
)  # fmt: skip
structures = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.text(max_size=10) | st.sampled_from(["schema", "name"]), inner, max_size=4
        )
    ),
    max_leaves=40,
)


@fixed(EXAMPLES["structure"])
@given(data=structures)
def test_any_nested_structure_is_a_scenario_or_one_line_of_error(data):
    assert_valid_or_one_line(lambda: scenario_from_data(data, "fuzz.yaml"))
    # And the same structure as YAML text (JSON is YAML), through the reader's bounds.
    text = json.dumps(data, allow_nan=True)
    assert_valid_or_one_line(lambda: load_scenario_text(text, "fuzz.yaml"))


PRESET = load_scenario("server-office").to_dict()


def _paths(node, prefix=()):
    """Every key path of a preset's data, leaves and branches."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*prefix, index)
            yield from _paths(value, (*prefix, index))


PATHS = list(_paths(PRESET))


@fixed(EXAMPLES["mutation"])
@given(
    changes=st.lists(
        st.tuples(st.sampled_from(PATHS), st.one_of(st.just("delete"), structures)),
        min_size=1, max_size=3,
    )
)  # fmt: skip
def test_a_preset_changed_anywhere_is_a_scenario_or_one_line_of_error(changes):
    """A valid scenario with one to three values replaced by anything, or removed: the
    validator, not a crash, has the last word."""
    data = json.loads(json.dumps(PRESET))
    for path, value in changes:
        node = data
        try:
            for key in path[:-1]:
                node = node[key]
            if value == "delete":
                del node[path[-1]]
            else:
                node[path[-1]] = value
        except (KeyError, IndexError, TypeError):  # an earlier change removed the way there
            continue
    assert_valid_or_one_line(lambda: scenario_from_data(data, "fuzz.yaml"))
    assert_valid_or_one_line(lambda: load_scenario_text(dump_yaml(data), "fuzz.yaml"))


BASE = load_scenario("server-office")
FIELDS = [*sorted(inputs(BASE)), "name", "baseline", "horizon.years", "options", "incidents"]
keys = st.sampled_from(FIELDS) | st.text(max_size=30)
values = st.sampled_from(YAML_PIECES) | st.text(max_size=30) | yamlish


@fixed(EXAMPLES["set"])
@given(key=keys, value=values)
def test_any_set_assignment_is_a_scenario_or_one_line_of_error(key, value):
    assert_valid_or_one_line(lambda: apply_overrides(BASE, [f"{key}={value}"]))


@fixed(EXAMPLES["cli"])
@given(key=keys, value=values)
def test_any_set_on_the_command_line_exits_0_or_2_with_one_line(key, value, capsys):
    try:
        status = main(["validate", "server-office", "--set", f"{key}={value}"])
    except SystemExit as stop:  # argparse's own refusal (a value that looks like a flag)
        status = stop.code
    out, err = capsys.readouterr()
    assert status in (0, 2), err
    if status == 2:
        assert len(err.strip().splitlines()) == 1, err
        assert re.match(r"itcost( validate)?: error: ", err), err
        assert not _TERMINAL_CODES.search(err), err
    else:
        assert err == "" and "sha256" in out


#: What a terminal acts on: C0 and C1 controls other than newline and tab, and the Unicode
#: characters that reorder or hide text.
_TERMINAL_CODES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


@pytest.fixture(scope="module")
def markdown():
    """nbconvert's Markdown renderer, the one the reports go through."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune


names = st.text(max_size=80) | st.lists(
    st.sampled_from(["<b>", "</b>", "<script>", "[x](http://e.invalid)", "![i](http://e.invalid)",
                     "\n===\n", "\n---\n", "\n    ", "# ", "- ", "1. ", "> ", "`", "*", "_", "$",
                     "http://e.invalid", "www.e.invalid", "a@e.invalid", "\x1b[31m", "\x07",
                     "&amp;", "&#60;", "\\", "|", "~~", "\u202e"]) | st.text(max_size=5),
    max_size=12,
).map("".join)  # fmt: skip


@fixed(EXAMPLES["names"])
@given(name=names)
def test_any_name_is_text_in_a_report_and_on_a_terminal(name, markdown):
    """Escaped for a report, any name renders as at most one paragraph with no element in it
    and reads back as the name (white space runs as one space, controls as U+FFFD); on a
    terminal it carries no control character or reordering mark."""
    rendered = markdown(f"Prepared for {escape(name)}").strip()
    assert rendered.startswith("<p>") and rendered.endswith("</p>"), rendered
    inner = rendered[3:-4]
    assert "<" not in inner, rendered  # no element: a link, an image, a heading, a tag
    expected = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", "\ufffd", " ".join(name.split()))
    assert html.unescape(inner) == f"Prepared for {expected}".strip(), rendered
    shown = terminal_text(name)
    assert not _TERMINAL_CODES.search(shown)
