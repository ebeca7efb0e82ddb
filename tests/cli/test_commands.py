"""The ``itcost`` command line, run as users run it: the installed console script."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from analysis import load_scenario, preset_names, simulate
from analysis.cli.scenarios import TABLE_HEADER, preset_rows
from analysis.present.formatting import money, share_text
from analysis.present.tables import markdown_table
from tests.helpers import read_yaml, yaml_text

ROOT = Path(__file__).resolve().parents[2]
SUMMARY_SCHEMA = json.loads((ROOT / "analysis" / "engine" / "summary.schema.json").read_text())
#: A scenario file of format 1, as the versions before scenario format 2 wrote them.
FORMAT_1 = ROOT / "tests" / "data" / "format1" / "small-office.yaml"


def run(command: list[str], *args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=cwd)


def table_rows(out: str) -> dict[str, list[str]]:
    """The table's rows by label (the first row of that label: the means), cells split on the
    column gaps."""
    rows = {}
    for line in out.splitlines():
        if not line.strip() or line.startswith("    "):  # a blank line, a row's range line
            continue
        label, *cells = [cell.strip() for cell in line.split("   ") if cell.strip()]
        if cells and label not in rows:
            rows[label] = cells
    return rows


@pytest.mark.parametrize("preset", preset_names())
def test_simulate_prints_every_option_side_by_side(itcost_command, preset):
    done = run(itcost_command, "simulate", preset, "--trials", "3000")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    scenario = load_scenario(preset)
    summary = simulate(scenario, trials=3000, seed=2026).summary()
    options = scenario.option_names
    lines = out.splitlines()
    # The header: the titles (wrapped to their column), then the names, the baseline marked.
    names_line = lines.index(next(line for line in lines if line.strip() == "What you pay")) - 1
    names = [f"{o}, baseline" if o == scenario.baseline_name else o for o in options]
    assert [cell.strip() for cell in lines[names_line].split("   ") if cell.strip()] == names
    header = " ".join(" ".join(lines[lines.index("") + 1 : names_line]).split())
    for option in options:
        assert all(word in header for word in scenario.options[option].title.split())
    # What you pay first, then what you lose, then the total.
    labels = [line.split("   ")[0].strip() for line in lines]
    order = ["What you pay", "IT spend", "What you lose (estimated)", "Downtime", "Security",
             "Total", "Incidents", "Lost operating hours", "IT-spend saving", "Total saving",
             "Chance it costs less", "Chance it is the cheapest"]  # fmt: skip
    assert [label for label in labels if label in order] == order
    rows = table_rows(out)
    currency = summary["currency"]
    for label, quantity in (("IT spend", "it_spend"), ("Total", "total")):
        assert rows[label] == [
            money(summary["options"][o][quantity]["mean"], currency) for o in options
        ]
    comparison = summary["comparison"]
    assert rows["Chance it is the cheapest"] == [
        share_text(comparison["prob_cheapest"][o]) for o in options
    ]
    assert rows["Chance it costs less"] == [
        "-" if o == scenario.baseline_name else share_text(comparison["prob_cheaper"][o])
        for o in options
    ]
    for option, saving in comparison["it_spend_savings"].items():
        index = options.index(option)
        assert rows["IT-spend saving"][index].startswith(money(saving["mean"], currency) + " ±")


def test_verdicts_say_it_spend_first_then_losses_then_the_total(itcost_command):
    done = run(itcost_command, "simulate", "server-office", "--trials", "3000")
    assert done.returncode == 0, done.stderr
    scenario = load_scenario("server-office")
    summary = simulate(scenario, trials=3000, seed=2026).summary()
    verdicts = " ".join(done.stdout.split("Chance it is the cheapest", 1)[1].split())
    for option in scenario.option_names:
        if option == scenario.baseline_name:
            continue
        title = scenario.options[option].title
        text = verdicts.split(f"{title} against ", 1)[1].split(" of trials.", 1)[0]
        spend = text.index("in IT spend")
        losses = text.index("downtime and security losses")
        total = text.index("in total")
        assert spend < losses < total, text
        saving = summary["comparison"]["it_spend_savings"][option]["mean"]
        direction = "less" if saving > 0 else "more"
        assert f"pays {money(abs(saving), 'USD')} {direction} in IT spend a year" in text
    best = summary["comparison"]["best"]
    assert f"Lowest expected total: {scenario.options[best].title}" in verdicts


def test_simulate_json_is_summary_2_and_equals_the_python_summary(itcost_command):
    done = run(itcost_command, "simulate", "dental-clinic", "--json", "--trials", "3000",
               "--seed", "7", "--set", "options.managed.fees.per_user_monthly=140")  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    jsonschema.validate(data, SUMMARY_SCHEMA)
    assert data["schema"] == "itcost.summary/2"
    scenario = load_scenario("dental-clinic").with_overrides(
        ["options.managed.fees.per_user_monthly=140"]
    )
    assert data == simulate(scenario, trials=3000, seed=7).summary()


def test_set_on_an_option_path_changes_that_option_only(itcost_command):
    """A fee is a price: the same draws, the option's IT spend moves by exactly the fee change."""
    scenario = load_scenario("server-office")
    fee = scenario.options["managed"].fees.per_user_monthly
    base = run(itcost_command, "simulate", "server-office", "--json", "--trials", "2000")
    changed = run(itcost_command, "simulate", "server-office", "--json", "--trials", "2000",
                  "--set", f"options.managed.fees.per_user_monthly={fee + 10}")  # fmt: skip
    assert base.returncode == changed.returncode == 0, base.stderr + changed.stderr
    before, after = json.loads(base.stdout)["options"], json.loads(changed.stdout)["options"]
    extra = 12 * 10 * scenario.organisation.employees
    assert after["managed"]["it_spend"]["mean"] == pytest.approx(
        before["managed"]["it_spend"]["mean"] + extra, abs=1e-6
    )
    for option in scenario.option_names:
        if option != "managed":
            assert after[option] == before[option]


def test_simulate_a_yaml_file(itcost_command, tmp_path):
    path = tmp_path / "acme.yaml"
    shown = run(itcost_command, "show", "server-office", "--set", "name=Acme")
    assert shown.returncode == 0, shown.stderr
    path.write_text(shown.stdout)
    assert read_yaml(path.read_text())["name"] == "Acme"
    done = run(itcost_command, "simulate", str(path), "--trials", "2000", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["scenario"]["name"] == "Acme"
    assert json.loads(done.stdout)["scenario"]["sha256"] == (
        load_scenario("server-office").with_overrides(["name=Acme"]).sha256
    )


def test_titles_are_text(itcost_command):
    title = "<b>Acme | *MSP*</b> $5"
    done = run(itcost_command, "simulate", "server-office", "--trials", "1000",
               "--set", f"options.managed.title={title}")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "<b>Acme | *MSP*</b>" in done.stdout and f"{title} against" in " ".join(
        done.stdout.split()
    )


def test_control_characters_in_names_reach_the_terminal_as_text(itcost_command, tmp_path):
    """ESC, BEL and a right-to-left override in a name or an argument are written as escapes,
    in the table, the verdicts and error messages alike: a file cannot recolour the terminal."""
    escaped = r"Evil \x1b[31mRED\x07 \u202eoops"  # YAML's double quotes read these escapes
    path = tmp_path / "hostile.yaml"
    shown = run(itcost_command, "show", "server-office", "--set",
                f'options.managed.title="{escaped}"', "--set", f'name="{escaped}"')  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    path.write_text(shown.stdout)
    done = run(itcost_command, "simulate", str(path), "--trials", "1000")
    assert done.returncode == 0, done.stderr
    for raw in ("\x1b", "\x07", "\u202e"):
        assert raw not in done.stdout
    assert done.stdout.count(escaped) >= 2  # the name, the title: shown as their escapes
    failed = run(itcost_command, "simulate", "nope\x1b[2J")
    assert failed.returncode == 2 and "\x1b" not in failed.stderr
    assert "nope\\x1b[2J" in failed.stderr


def test_presets_lists_names_and_descriptions(itcost_command):
    done = run(itcost_command, "presets")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    names = [line.split()[0] for line in lines]
    assert names == preset_names()
    assert {"server-office", "dental-clinic", "law-firm", "ecommerce-shop", "manufacturer"} <= set(
        names
    )
    assert all(len(line.split(None, 1)) == 2 for line in lines)  # every name has a description


def test_presets_table_has_a_row_per_preset_and_option(itcost_command):
    done = run(itcost_command, "presets", "--table", "--trials", "1000", "--seed", "3")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "| " + " | ".join(TABLE_HEADER) + " |"
    expected = [(name, option) for name in preset_names() for option in
                load_scenario(name).option_names]  # fmt: skip
    cells = [line.strip("|").split(" | ") for line in lines[2:]]
    assert [(row[0].strip(), row[1].strip().removesuffix(", baseline")) for row in cells] == (
        expected
    )
    rows = preset_rows("micro-cloud-office", 1000, 3)
    summary = simulate(load_scenario("micro-cloud-office"), trials=1000, seed=3).summary()
    for row, (option, stats) in zip(rows, summary["options"].items(), strict=True):
        losses = stats["downtime"]["mean"] + stats["security"]["mean"]
        assert row[3:] == (
            money(stats["it_spend"]["mean"], "USD"), money(losses, "USD"),
            money(stats["total"]["mean"], "USD"),
            share_text(summary["comparison"]["prob_cheapest"][option]),
        )  # fmt: skip


def test_validate_prints_the_options_and_the_hash(itcost_command):
    done = run(itcost_command, "validate", "law-firm")
    assert done.returncode == 0, done.stderr
    scenario = load_scenario("law-firm")
    assert scenario.sha256 in done.stdout
    assert f"({', '.join(scenario.option_names)}; baseline {scenario.baseline_name})" in done.stdout


def test_help_texts(itcost_command):
    text = run(itcost_command, "--help").stdout
    for command in ("simulate", "upgrade", "presets", "breakeven", "sensitivity", "sweep", "app"):
        assert command in text
    text = run(itcost_command, "simulate", "--help").stdout
    for option in ("--trials", "--seed", "--set", "--json", "--threads"):
        assert option in text
    assert "itcost.summary/2" in text
    assert "--table" in run(itcost_command, "presets", "--help").stdout
    for command in ("breakeven", "sensitivity"):
        text = run(itcost_command, command, "--help").stdout
        assert "--option" in text and "--against" in text


# -- bad input: exit status 2, one line naming the field --------------------------------------


BAD_FILES = {
    "unknown": (lambda d: d["options"]["break-fix"].__setitem__("trip_fe", 5),
                "options.break-fix.trip_fe: unknown key (did you mean 'trip_fee'?)"),
    "type": (lambda d: d["organisation"].__setitem__("employees", "ten"),
             "organisation.employees: must be a whole number"),
    "negative": (lambda d: d["incidents"]["minor"].__setitem__("rate_per_user_per_year", -1),
                 "incidents.minor.rate_per_user_per_year: must be >= 0"),
    "p90": (lambda d: d["incidents"]["minor"].__setitem__("fix_hours", {"median": 0.75,
                                                                        "p90": 0.5}),
            "incidents.minor.fix_hours: p90 (0.5) must be >= median (0.75)"),
    "tier": (lambda d: d["options"]["managed"]["prevention"].__setitem__("trivial", 0.1),
             "options.managed.prevention.trivial: 'trivial' is not a tier"),
    "covers": (lambda d: d["options"]["hybrid"].__setitem__("covers", ["critical", "trivial"]),
               "options.hybrid.covers: 'trivial' is not a tier"),
    "fallback": (lambda d: d["options"]["hybrid"].__setitem__("fallback", "managed"),
                 "options.hybrid.fallback: 'managed' is managed; a fallback must be "
                 "pay_per_incident"),
    "calendar": (lambda d: d["organisation"].__setitem__("operating_hours",
                                                         {"days": 5, "open": 19, "close": 18}),
                 "organisation.operating_hours.close: must be later than open"),
    "rates": (lambda d: d["incidents"]["minor"].update(rate_per_year=3,
                                                       rate_per_user_per_year=0.2),
              "incidents.minor.rate_per_year: give exactly one"),
    "one-option": (lambda d: d.__setitem__("options", {"break-fix": d["options"]["break-fix"]}),
                   "options: needs at least two options"),
    "baseline": (lambda d: d.__setitem__("baseline", "acme"), "baseline: 'acme' is not an option"),
    "kind": (lambda d: d["options"]["managed"].__setitem__("kind", "retainer"),
             "options.managed.kind: must be one of"),
}  # fmt: skip

#: A format-2 scenario with three options, a hybrid among them, written out in full: what the
#: bad files above are made from (independent of how the presets are tuned).
GOOD = {
    "schema": "itcost.scenario/2",
    "name": "Acme",
    "organisation": {"employees": 10, "loaded_hourly_cost": 45, "annual_revenue": 1_500_000},
    "incidents": {
        "critical": {"rate_per_year": 1.5, "users_affected": 1.0, "revenue_impact": 0.25,
                     "fix_hours": {"median": 3, "p90": 10}, "onsite_share": 0.6,
                     "starts": "any_time"},
        "minor": {"rate_per_user_per_year": 3.5, "users_affected": 0.1, "blocking": 0.35,
                  "fix_hours": {"median": 0.5, "p90": 1.5}, "onsite_share": 0.1},
    },
    "options": {
        "break-fix": {"kind": "pay_per_incident", "rates": {"remote": 140, "onsite": 150},
                      "trip_fee": 50, "response_hours": {"default": {"median": 4, "p90": 16}}},
        "managed": {"kind": "managed", "fees": {"per_user_monthly": 150},
                    "prevention": {"critical": 0.5}, "monitoring": True,
                    "response_hours": {"default": {"median": 2, "p90": 8}}},
        "hybrid": {"kind": "managed", "fees": {"per_server_monthly": 185}, "covers": ["critical"],
                   "fallback": "break-fix", "response_hours": {"default": 1}},
    },
}  # fmt: skip


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(yaml_text(GOOD))
    return path


def test_the_good_file_is_good(itcost_command, good_file):
    done = run(itcost_command, "validate", str(good_file))
    assert done.returncode == 0, done.stderr
    assert "3 options (break-fix, managed, hybrid; baseline break-fix)" in done.stdout


def test_any_number_of_options(itcost_command, tmp_path):
    data = copy.deepcopy(GOOD)
    data["options"]["acme-msp"] = {"kind": "managed", "title": "Acme MSP quote",
                                   "fees": {"per_user_monthly": 120, "minimum_monthly": 1500},
                                   "response_hours": {"default": 3}}  # fmt: skip
    data["baseline"] = "managed"
    path = tmp_path / "four.yaml"
    path.write_text(yaml_text(data))
    done = run(itcost_command, "simulate", str(path), "--trials", "2000")
    assert done.returncode == 0, done.stderr
    names = ["break-fix", "managed, baseline", "hybrid", "acme-msp"]
    assert any(
        [cell.strip() for cell in line.split("   ") if cell.strip()] == names
        for line in done.stdout.splitlines()
    )
    assert done.stdout.count(" against managed: ") == 3
    summary = json.loads(run(itcost_command, "simulate", str(path), "--json",
                             "--trials", "2000").stdout)  # fmt: skip
    jsonschema.validate(summary, SUMMARY_SCHEMA)
    assert list(summary["comparison"]["savings"]) == ["break-fix", "hybrid", "acme-msp"]
    answer = run(itcost_command, "breakeven", str(path), "--option", "acme-msp", "--against",
                 "break-fix", "--trials", "2000", "--json")  # fmt: skip
    assert answer.returncode == 0, answer.stderr
    found = json.loads(answer.stdout)
    assert (found["option"], found["against"]) == ("acme-msp", "break-fix")
    assert found["parameter"] == "options.acme-msp.fees.per_user_monthly"


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_scenario_files_exit_2_with_one_line(itcost_command, tmp_path, name):
    change, message = BAD_FILES[name]
    data = copy.deepcopy(GOOD)
    change(data)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml_text(data))
    for command in ("simulate", "validate", "show"):
        assert_bad_input(run(itcost_command, command, str(path)), f"{path}: {message}")


@pytest.mark.parametrize(
    "args",
    [["simulate"], ["simulate", "--json"], ["validate"], ["show"], ["report"],
     ["breakeven"], ["sensitivity"], ["sweep", "--parameter", "organisation.employees",
                                       "--range", "5:10:3"]],
)  # fmt: skip
def test_a_format_1_file_is_refused_with_a_pointer_to_upgrade(itcost_command, tmp_path, args):
    done = run(itcost_command, args[0], str(FORMAT_1), *args[1:], cwd=tmp_path)
    assert_bad_input(done, f"{FORMAT_1}: schema: this is a format-1 scenario")
    assert "itcost upgrade" in done.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["simulate", "missing.yaml"], "missing.yaml: no such file"),
        (["simulate", "no-such-preset"], "no-such-preset: no such preset or file"),
        (["simulate", "seed"], "itcost: error: seed: no such preset or file"),  # not --seed
        (["simulate", "server-office", "--set", "incidents.minor.rate_per_yer=3"],
         "--set: incidents.minor.rate_per_yer: no such field (did you mean 'rate_per_year'?)"),
        (["simulate", "server-office", "--set", "incidents.huge.rate_per_year=3"],
         "--set: incidents.huge: no such field"),
        (["simulate", "server-office", "--set", "incidents.minor.rate_per_user_per_year=-1"],
         "--set: incidents.minor.rate_per_user_per_year: must be >= 0"),
        (["simulate", "server-office", "--set", "options.managed.prevention.huge=0.2"],
         "--set: options.managed.prevention.huge: no such field"),
        (["simulate", "server-office", "--set", "options.acme.fees.per_user_monthly=100"],
         "--set: options.acme: no such field (allowed: break-fix, managed, hybrid)"),
        (["simulate", "server-office", "--set", "options.managed.fees.per_usr_monthly=100"],
         "--set: options.managed.fees.per_usr_monthly: no such field (did you mean "
         "'per_user_monthly'?)"),
        (["simulate", "server-office", "--set", "options.break-fix.fees.per_user_monthly=1"],
         "--set: options.break-fix.fees: no such field"),
        (["simulate", "server-office", "--set", "options.managed.fees.per_user_monthly=-5"],
         "--set: options.managed.fees.per_user_monthly: must be >= 0"),
        (["simulate", "server-office", "--set", "baseline=acme"],
         "--set: baseline: 'acme' is not an option"),
        (["simulate", "server-office", "--set", "organisation.employees=many"],
         "--set: organisation.employees: must be a whole number"),
        (["simulate", "server-office", "--trials", "0"], "argument --trials: must be >= 1"),
        (["simulate", "server-office", "--trials", "lots"], "argument --trials: must be a whole"),
        (["simulate", "server-office", "--seed", "-1"], "argument --seed: must be >= 0"),
        (["simulate"], "the following arguments are required: SCENARIO"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)  # fmt: skip
def test_bad_arguments_exit_2_with_one_line(itcost_command, tmp_path, args, message):
    assert_bad_input(run(itcost_command, *args, cwd=tmp_path), message)


def assert_bad_input(done: subprocess.CompletedProcess, message: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("itcost")
    assert message in lines[0]


# -- fields, schema and the README ------------------------------------------------------------


def test_fields_lists_every_settable_path_with_units(itcost_command):
    done = run(itcost_command, "fields")
    assert done.returncode == 0, done.stderr
    paths = {line.split()[0] for line in done.stdout.splitlines()}
    assert {
        "organisation.operating_hours.days",
        "incidents.<tier>.fix_hours",
        "options.<option>.fees.per_user_monthly",
        "options.<option>.rates.remote",
        "baseline",
        "horizon.discount_rate",
    } <= paths
    assert "[required in the section]" in done.stdout  # fields of the optional parts, security
    # Every listed path (with real names) is accepted by --set, on a scenario that has every
    # optional section: a path of one kind of option on an option of that kind.
    scenario = load_scenario("server-office").with_overrides(
        {
            "options.managed.sla": {"response_hours": 4, "credit_per_breach": 50,
                                    "max_credit_share": 0.1},
            "budget": {"annual_it_spend": 20000, "seasonality": [1] * 12},
            "options.block": load_scenario("cloud-office").to_dict()["options"]["block"],
            "options.technician": (
                load_scenario("accounting-firm").to_dict()["options"]["technician"]
            ),
        }
    )  # fmt: skip
    data = scenario.model_dump(mode="json", by_alias=True)
    for path in sorted(paths):
        accepted = []
        for option in scenario.option_names if "<option>" in path else [None]:
            concrete = path.replace("<tier>", "critical").replace("<option>", str(option))
            current = data
            try:
                for key in concrete.split("."):
                    current = current[key]
            except (KeyError, TypeError):
                continue
            assert scenario.with_overrides({concrete: current}) == scenario, concrete
            accepted.append(concrete)
        assert accepted, path


def test_readme_example_is_the_real_output(itcost_command):
    readme = (ROOT / "README.md").read_text()
    shown = readme.split("$ itcost simulate server-office\n", 1)[1].split("```", 1)[0]
    assert run(itcost_command, "simulate", "server-office").stdout == shown


def test_the_readme_scenario_example_is_valid(itcost_command, tmp_path):
    readme = (ROOT / "README.md").read_text()
    example = readme.split("```yaml\nschema: itcost.scenario/2\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "harbor.yaml"
    path.write_text("schema: itcost.scenario/2\n" + example)
    done = run(itcost_command, "validate", str(path))
    assert done.returncode == 0, done.stderr
    assert "3 options (break-fix, acme-msp, hybrid; baseline break-fix)" in done.stdout


def test_readme_presets_table_lists_every_preset_and_option():
    """The README's table is `itcost presets --table` (100,000 trials, seed 2026): every preset
    and option in file order, and the quickest preset's rows exactly as that command makes them."""
    readme = (ROOT / "README.md").read_text()
    header = "| " + " | ".join(TABLE_HEADER) + " |"
    assert "itcost presets --table" in readme
    lines = readme.split(header + "\n", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    cells = [tuple(cell.strip() for cell in line.strip("|").split(" | ")) for line in lines]
    expected = [(name, option) for name in preset_names() for option in
                load_scenario(name).option_names]  # fmt: skip
    assert [(row[0], row[1].removesuffix(", baseline")) for row in cells] == expected
    # The README calls the figures "per year".
    assert all(load_scenario(name).horizon.years == 1 for name in preset_names())
    rows = preset_rows("micro-cloud-office", 100_000, 2026)
    table = markdown_table(TABLE_HEADER, rows).splitlines()[2:]
    assert [line for line in lines if line.startswith("| micro-cloud-office |")] == table


def test_schema_prints_the_published_json_schema(itcost_command):
    done = run(itcost_command, "schema")
    assert done.returncode == 0, done.stderr
    published = ROOT / "data" / "scenario.schema.json"
    assert done.stdout == published.read_text()
    assert json.loads(done.stdout)["$schema"].endswith("2020-12/schema")


@pytest.mark.parametrize(
    ("shell", "message"),
    [
        ("itcost show server-office > /dev/full", "cannot write the output: No space left"),
        ("itcost show server-office >&-", "cannot write the output: standard output is closed"),
    ],
    ids=["full disk", "closed stdout"],
)
def test_output_that_cannot_be_written_is_one_line_and_status_1(itcost_command, shell, message):
    command = shell.replace("itcost", " ".join(itcost_command), 1)
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("itcost: error: ") and message in lines[0]


def test_a_terminal_without_unicode_gets_escapes_not_a_traceback(itcost_command):
    import os

    done = subprocess.run(
        [*itcost_command, "simulate", "server-office", "--trials", "1000",
         "--set", 'name="Café 東京"'],
        capture_output=True, text=True, env={**os.environ, "PYTHONIOENCODING": "ascii"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Caf\\xe9 \\u6771\\u4eac: 1,000 trials")
