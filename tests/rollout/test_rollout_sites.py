"""Readers of the rollout inputs: sites list, capacity, baseline plan and actuals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources.sites import read_actuals, read_capacity, read_plan, read_sites

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rollout"
HEADER = "site_id,region,country,devices\n"


def write(tmp_path: Path, text: str, name: str = "sites.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class TestReadSites:
    def test_canonical_frame_from_aliased_headers(self):
        sites = read_sites(FIXTURES / "sites_small.csv")
        assert sites["site_id"].tolist() == ["A01", "A02", "B01"]
        # "1,200" has a thousands separator; lower-case "de" is upper-cased
        assert sites["devices"].tolist() == [1200, 45, 30]
        assert sites["country"].tolist() == ["DE", "DE", "AT"]
        assert sites["hardware_models"].iloc[0] == ["Latitude 5450", "OptiPlex 7020"]
        assert sites["hardware_models"].iloc[2] == []
        assert sites["depends_on"].tolist() == [[], ["A01"], ["A01", "A02"]]
        assert sites["ready_date"].iloc[0] == pd.Timestamp("2026-03-02")
        assert pd.isna(sites["ready_date"].iloc[1])
        assert sites["target_date"].iloc[1] == pd.Timestamp("2026-04-30")
        assert sites["site_name"].iloc[1] == "Hamburg, Port"

    def test_xlsx_gives_the_same_frame(self, tmp_path):
        raw = pd.read_csv(FIXTURES / "sites_small.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False)
        path = tmp_path / "sites.xlsx"
        raw.to_excel(path, index=False)
        from_xlsx = read_sites(path)
        from_csv = read_sites(FIXTURES / "sites_small.csv")
        pd.testing.assert_frame_equal(from_xlsx, from_csv)

    def test_columns_mapping_names_an_unusual_header(self, tmp_path):
        path = write(tmp_path, "Code,Area,Land,Device qty\nX1,East,PL,12\n")
        sites = read_sites(
            path, columns={"site_id": "Code", "region": "Area", "country": "Land", "devices": "Device qty"}
        )
        assert sites.loc[0, ["site_id", "region", "country", "devices"]].tolist() == ["X1", "East", "PL", 12]
        assert sites.loc[0, "site_type"] == "(unspecified)"

    def test_missing_column_lists_headers_found(self, tmp_path):
        path = write(tmp_path, "site_id,region,country\nX1,East,PL\n")
        with pytest.raises(InputError, match=r"sites.csv: field 'devices'.*headers 'site_id', 'region', 'country'"):
            read_sites(path)

    @pytest.mark.parametrize(
        "body, field, found",
        [
            ("X1,East,PL,0\n", "devices", "'0' \\(row 2\\)"),
            ("X1,East,PL,12.5\n", "devices", "'12.5' \\(row 2\\)"),
            ("X1,East,PL,abc\n", "devices", "'abc' \\(row 2\\)"),
            ("X1,East,PL,5\nX1,East,PL,6\n", "site_id", "repeated ids X1"),
            ("X1,East,Germany,5\n", "country", "'GERMANY' \\(row 2\\)"),
            ("X1,,PL,5\n", "region", "a blank cell \\(row 2\\)"),
            ("X1,East,PL,5\n,East,PL,6\n", "site_id", "a blank cell \\(row 3\\)"),
        ],
    )
    def test_bad_values_are_named(self, tmp_path, body, field, found):
        with pytest.raises(InputError, match=rf"field '{field}'.*got {found}"):
            read_sites(write(tmp_path, HEADER + body))

    def test_self_dependency_is_dropped_and_noted(self, tmp_path):
        dq = DataQuality()
        sites = read_sites(write(tmp_path, HEADER.strip() + ",depends_on\nX1,East,PL,5,X1\n"), dq=dq)
        assert sites.loc[0, "depends_on"] == []
        assert dq.frame()["problem"].tolist() == ["site depends on itself"]

    def test_excel_mangled_ids_are_noted(self, tmp_path):
        dq = DataQuality()
        read_sites(write(tmp_path, HEADER + "7.18656E+14,East,PL,5\n"), dq=dq)
        assert dq.frame()["field"].tolist() == ["site_id"]


class TestReadCapacity:
    def test_usual_and_dated_rows(self):
        cap = read_capacity(FIXTURES / "capacity_small.csv")
        assert cap["region"].tolist() == ["North", "North", "South"]
        assert cap["technicians"].tolist() == [4, 2, 2]
        assert cap["start"].iloc[1] == pd.Timestamp("2026-03-09")
        assert pd.isna(cap["start"].iloc[0])

    def test_one_date_only_is_refused(self, tmp_path):
        path = write(tmp_path, "region,technicians,start,end\nNorth,2,2026-03-09,\n", "cap.csv")
        with pytest.raises(InputError, match="start/end.*both dates or neither"):
            read_capacity(path)


class TestReadPlanAndActuals:
    def test_plan_round_trip(self, tmp_path):
        path = write(
            tmp_path, "site_id,wave,start_date,end_date,working_days,crew\nA,0,2026-03-02,2026-03-04,3,2\n", "plan.csv"
        )
        plan = read_plan(path)
        assert plan.columns.tolist() == ["site_id", "wave", "start_date", "end_date", "working_days", "crew"]
        assert plan.loc[0, "end_date"] == pd.Timestamp("2026-03-04")
        assert plan.loc[0, "working_days"] == 3

    def test_daily_counts_become_start_and_end(self):
        sites = read_sites(FIXTURES / "sites_small.csv")
        dq = DataQuality()
        actuals = read_actuals(FIXTURES / "actuals_daily.csv", sites=sites, dq=dq).set_index("site_id")
        # A02 has 45 devices: 20 + 20 = 40 after 3 Mar, 45 on 4 Mar -> finished 4 Mar
        assert actuals.loc["A02", "actual_start"] == pd.Timestamp("2026-03-02")
        assert actuals.loc["A02", "actual_end"] == pd.Timestamp("2026-03-04")
        assert actuals.loc["A02", "devices_done"] == 45
        # B01 has 30 devices and reported 10: started, not finished
        assert actuals.loc["B01", "actual_start"] == pd.Timestamp("2026-03-04")
        assert pd.isna(actuals.loc["B01", "actual_end"])
        assert actuals.loc["B01", "devices_done"] == 10
        # ZZZ is not a site: dropped and noted
        assert "ZZZ" not in actuals.index
        assert dq.frame()["problem"].tolist() == ["site not in the sites list"]

    def test_start_end_layout_with_end_before_start(self, tmp_path):
        path = write(tmp_path, "site_id,actual_start,actual_end\nA01,2026-03-05,2026-03-02\n", "act.csv")
        with pytest.raises(InputError, match="actual_end.*site 'A01'"):
            read_actuals(path)

    def test_start_end_layout(self, tmp_path):
        path = write(
            tmp_path, "site_id,actual_start,actual_end\nA01,2026-03-02,2026-03-04\nA02,2026-03-05,\nB01,,\n", "act.csv"
        )
        actuals = read_actuals(path)
        assert actuals["site_id"].tolist() == ["A01", "A02"]  # B01 has no start: not started
        assert actuals["actual_end"].isna().tolist() == [False, True]


def test_sample_sites_read(root):
    sites = read_sites(root / "data" / "sample" / "rollout" / "sites.csv")
    assert len(sites) == 150 and sites["devices"].sum() == 25000
    assert sites["region"].nunique() == 4 and sites["country"].nunique() == 10
    # plain names as the generator makes them ("<city> <site type> <n>"); probes: tests/test_injection.py
    assert sites["site_name"].str.fullmatch(r"[A-Z][a-z]+ (Office|Retail store|Warehouse|Lab|Data centre) \d+").all()
    assert dt.date(2026, 9, 7) <= sites["ready_date"].min().date()


class TestUntrustedRolloutFiles:
    def test_sites_list_with_only_a_header(self, tmp_path: Path) -> None:
        """An export of an empty filter: a header and no site. It once passed `check` as far as a
        TypeError in the reader; nothing can be planned, so it is refused in one line."""
        path = write(tmp_path, HEADER)
        with pytest.raises(InputError, match="sites.csv: field '\\(rows\\)': expected at least one site"):
            read_sites(path)

    def test_baseline_site_ids_neutralised_by_the_csv_writer_read_back(self, tmp_path: Path) -> None:
        """plan.csv as report.write_csv saves it: a formula-like id prefixed with an apostrophe."""
        text = (
            "site_id,wave,start_date,end_date,working_days,crew\n"
            '\'=HYPERLINK("http://x"),1,2026-03-02,2026-03-03,2,1\n'
            "'+44,1,2026-03-02,2026-03-02,1,1\n"
            "O'Brien,2,2026-03-04,2026-03-04,1,1\n"  # an apostrophe inside an id stays
        )
        plan = read_plan(write(tmp_path, text, "plan.csv"))
        assert plan["site_id"].tolist() == ['=HYPERLINK("http://x")', "+44", "O'Brien"]
