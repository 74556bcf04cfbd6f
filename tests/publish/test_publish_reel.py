"""The status reel: the bundled batch's status run made into ``status_reel.mp4`` and ``status_reel.vtt``,
then probed with the ffmpeg binary of imageio-ffmpeg, decoded frame by frame at the scenes' middles and
compared with the charts and colours it was made from; the captions parsed by a parser of this file."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
import yaml
from PIL import Image

from pmokit import runfolder
from pmokit.errors import InputError
from pmokit.publish import reel

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
STATUS_RUN = "status_deck/weekly"

#: The RAG colours as the contract states them (docs/CONTRACTS.md, bands.RAG_COLOURS), written out here.
RAG_RGB = {
    "green": (0x1B, 0x78, 0x37),
    "amber": (0xE0, 0x82, 0x14),
    "red": (0xB2, 0x18, 0x2B),
    "grey": (0x8C, 0x8C, 0x8C),
    "done": (0x21, 0x66, 0xAC),
}
#: The growing line's colour: Okabe-Ito blue #0072B2.
LINE_RGB = (0x00, 0x72, 0xB2)


# ----------------------------------------------------------------------------- helpers of this file
def probe(path: Path) -> dict:
    """Duration, codec, pixel format, size and frame rate from ffmpeg's own description of the file."""
    run = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True)
    text = run.stderr.decode("utf-8", "replace")
    hours, minutes, seconds = re.search(r"Duration: (\d+):(\d+):([\d.]+)", text).groups()
    stream = re.search(r"Stream #\S+.*?Video: (\w+).*?, (\w+)\(.*?\), (\d+)x(\d+).*?, ([\d.]+) fps", text)
    assert stream, text
    codec, pix_fmt, width, height, fps = stream.groups()
    return {
        "seconds": int(hours) * 3600 + int(minutes) * 60 + float(seconds),
        "codec": codec,
        "pix_fmt": pix_fmt,
        "size": (int(width), int(height)),
        "fps": float(fps),
    }


def top_level_boxes(path: Path) -> list[str]:
    """The MP4's top-level box types in file order (size, type; 64-bit sizes followed)."""
    data = path.read_bytes()
    names, offset = [], 0
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        name = data[offset + 4 : offset + 8].decode("latin-1")
        if size == 1:
            size = int.from_bytes(data[offset + 8 : offset + 16], "big")
        names.append(name)
        if size < 8:
            break
        offset += size
    return names


def frame_at(path: Path, seconds: float) -> np.ndarray:
    """The decoded frame shown at ``seconds`` as an RGB array (720, 1280, 3)."""
    frames = imageio_ffmpeg.read_frames(str(path), input_params=["-ss", f"{seconds:.3f}"])
    meta = next(frames)
    width, height = meta["size"]
    picture = np.frombuffer(next(frames), dtype=np.uint8).reshape(height, width, 3)
    frames.close()
    return picture


_TIMING = re.compile(r"^(\d{2}):(\d{2}):(\d{2})\.(\d{3}) --> (\d{2}):(\d{2}):(\d{2})\.(\d{3})$")


def parse_vtt(text: str) -> list[dict]:
    """A small WebVTT reader: the header, then blocks of [id] timing text..., blank-line separated."""
    lines = text.split("\n")
    assert lines[0] == "WEBVTT", f"header is {lines[0]!r}"
    cues, block = [], []
    for line in lines[1:] + [""]:
        if line.strip():
            block.append(line)
            continue
        if block:
            at = 1 if not _TIMING.match(block[0]) else 0
            match = _TIMING.match(block[at])
            assert match, f"no timing line in cue {block}"
            h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, match.groups())
            cues.append(
                {
                    "id": block[0] if at else "",
                    "start": h1 * 3600 + m1 * 60 + s1 + ms1 / 1000,
                    "end": h2 * 3600 + m2 * 60 + s2 + ms2 / 1000,
                    "lines": block[at + 1 :],
                }
            )
            block = []
    return cues


def unescape_vtt(line: str) -> str:
    return line.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def thumbnail(picture: np.ndarray | Image.Image, size=(64, 24)) -> np.ndarray:
    image = picture if isinstance(picture, Image.Image) else Image.fromarray(picture)
    return np.asarray(image.convert("RGB").resize(size, Image.Resampling.BOX), dtype=float)


def expected_chart(png: Path, box: tuple[int, int, int, int]) -> Image.Image:
    """The run's headline chart on white, scaled to the box it is shown in (drawn here, not by the reel)."""
    with Image.open(png) as image:
        rgba = image.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, rgba).convert("RGB").resize((box[2] - box[0], box[3] - box[1]))


def crop(frame: np.ndarray, box) -> np.ndarray:
    left, top, right, bottom = box
    return frame[top:bottom, left:right]


# ----------------------------------------------------------------------------- the reel of the bundled batch
@pytest.fixture(scope="module")
def status_folder(bundled_batch) -> Path:
    return bundled_batch.folder(STATUS_RUN)


@pytest.fixture(scope="module")
def built(status_folder, tmp_path_factory) -> reel.ReelResult:
    """The reel of the bundled status run, written to a temporary folder (the session's batch is only read)."""
    return reel.build_reel(status_folder, out=tmp_path_factory.mktemp("reel") / "status_reel.mp4")


@pytest.fixture(scope="module")
def deck_run_folders(bundled_batch) -> dict[str, Path]:
    """The run folder of each workbook the weekly deck reads, found here from its params file: the run
    it names, else the workbook's only run (as docs/CONTRACTS.md says the deck chooses)."""
    named = yaml.safe_load((ROOT / "params/status_deck/weekly.yaml").read_text(encoding="utf-8"))["runs"]
    folders = {}
    for workbook_dir in sorted(p for p in bundled_batch.out.iterdir() if p.is_dir()):
        runs = [r.path for r in runfolder.scan(bundled_batch.out, workbook_dir.name) if r.succeeded]
        if workbook_dir.name in named:
            folders[workbook_dir.name] = workbook_dir / named[workbook_dir.name]
        elif len(runs) == 1:
            folders[workbook_dir.name] = runs[0]
    return folders


def test_video_is_720p_h264_between_45_and_90_seconds(built):
    found = probe(built.video)
    assert 45 <= found["seconds"] <= 90
    assert found["codec"] == "h264"
    assert found["pix_fmt"] == "yuv420p"
    assert found["size"] == (1280, 720)
    assert found["fps"] in (25.0, 30.0)
    # the result says the same length as the file: frames / fps, within one frame (1 / 25 s = 0.04 s)
    assert abs(found["seconds"] - built.frames / built.fps) <= 0.04
    assert built.size_bytes == built.video.stat().st_size


def test_moov_box_comes_before_the_media_data(built):
    """+faststart: a browser or phone can start playing before the whole file is downloaded."""
    boxes = top_level_boxes(built.video)
    assert boxes.index("moov") < boxes.index("mdat"), boxes


def test_scenes_in_order_title_overall_workstreams_milestones_decisions(built, deck_run_folders):
    kinds = [scene.kind for scene in built.scenes]
    assert kinds[:2] == ["title", "overall"]
    assert kinds[-2:] == ["milestones", "decisions"]
    shown = {scene.workbook for scene in built.scenes if scene.kind == "workbook"}
    assert shown == set(deck_run_folders) - {"status_deck"}
    # at least one chart grows over time: the compliance trend and the rollout S-curve of the sample batch
    assert {"trend", "s-curve"} <= set(kinds)


def test_caption_file_is_valid_webvtt_in_step_with_the_scenes(built):
    cues = parse_vtt(built.captions.read_text(encoding="utf-8"))
    duration = probe(built.video)["seconds"]
    assert cues, "no cue"
    for cue in cues:
        assert cue["start"] < cue["end"], cue
        assert cue["lines"] and all(line.strip() for line in cue["lines"]), cue
        assert all("-->" not in line for line in cue["lines"]), cue
    for before, after in zip(cues, cues[1:]):
        assert before["end"] <= after["start"] + 1e-9, (before, after)  # in order, never overlapping
    assert cues[-1]["end"] <= duration + 1e-3
    assert cues[0]["start"] == 0.0
    # every scene is captioned from its start to its end (the cue times are whole milliseconds)
    for scene in built.scenes:
        inside = [c for c in cues if c["end"] > scene.start + 1e-3 and c["start"] < scene.end - 1e-3]
        assert inside, f"no cue in scene {scene.kind} {scene.start}-{scene.end}"
        assert abs(inside[0]["start"] - scene.start) < 2e-3 and abs(inside[-1]["end"] - scene.end) < 2e-3
        for a, b in zip(inside, inside[1:]):
            assert abs(a["end"] - b["start"]) < 2e-3, (scene.kind, a, b)
    assert len(cues) == sum(len(scene.cues) for scene in built.scenes)


def test_captions_say_each_verdict_and_the_overall_rag(built, deck_run_folders, status_folder):
    cues = parse_vtt(built.captions.read_text(encoding="utf-8"))
    said = " ".join(unescape_vtt(line) for cue in cues for line in cue["lines"])
    overall = json.loads((status_folder / "metrics.json").read_text(encoding="utf-8"))["overall_rag"]
    assert f"Overall {overall.upper()}" in said
    for workbook, folder in deck_run_folders.items():
        if workbook == "status_deck":
            continue
        verdict = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))["verdict"]
        assert verdict[:60] in said, workbook


def test_overall_scene_is_painted_in_the_overall_rag_colour(built, status_folder):
    scene = next(s for s in built.scenes if s.kind == "overall")
    overall = json.loads((status_folder / "metrics.json").read_text(encoding="utf-8"))["overall_rag"]
    frame = frame_at(built.video, scene.middle)
    left, top, right, bottom = scene.boxes["rag"]
    corner = frame[top + 6 : top + 46, left + 6 : left + 46].reshape(-1, 3).mean(axis=0)  # away from the word
    # H.264 in yuv420p moves a flat colour by a few levels: 10 of 255 per channel is well below the
    # smallest distance between two RAG colours (amber vs red: 46 in green)
    assert np.abs(corner - np.array(RAG_RGB[overall])).max() <= 10, (corner, overall)


def test_each_workstream_scene_shows_its_run_headline_chart(built, deck_run_folders):
    scenes = [s for s in built.scenes if s.kind == "workbook"]
    expected = {}
    for scene in scenes:
        box = scene.boxes["chart"]
        png = deck_run_folders[scene.workbook] / "headline.png"
        with Image.open(png) as image:
            aspect = image.width / image.height
        # the chart keeps its shape (within a pixel of rounding) and stays above the captions
        assert abs((box[2] - box[0]) / (box[3] - box[1]) - aspect) < 0.02 * aspect
        assert box[3] <= 720 - 2 * reel.CAPTION_LINE_PX - 2 * reel.CAPTION_PAD_PX - reel.CAPTION_MARGIN_PX
        expected[scene.workbook] = thumbnail(expected_chart(png, box))
    for scene in scenes:
        shown = thumbnail(crop(frame_at(built.video, scene.middle), scene.boxes["chart"]))
        own = np.abs(shown - expected[scene.workbook]).mean()
        # 64x24 box averages of a chart: compression and resampling move them by about 1 level (measured
        # 0.5-1.1), while any other run's chart differs by far more (measured 9.8 to 47 between the bundled ones)
        assert own < 6, (scene.workbook, own)
        for other, picture in expected.items():
            if other != scene.workbook:
                assert np.abs(shown - picture).mean() > own + 3, (scene.workbook, other)


def line_pixels(frame: np.ndarray, box) -> int:
    """Pixels of the growing line's colour (within 40 levels per channel) inside the chart box."""
    part = crop(frame, box).astype(int)
    return int((np.abs(part - np.array(LINE_RGB)).max(axis=2) <= 40).sum())


@pytest.mark.parametrize("kind", ["trend", "s-curve"])
def test_chart_grows_week_by_week_then_holds(built, kind):
    scene = next(s for s in built.scenes if s.kind == kind)
    at = [scene.start + share * (scene.end - scene.start) for share in (0.05, 0.3, 0.55, 0.85, 0.97)]
    counts = [line_pixels(frame_at(built.video, t), scene.boxes["chart"]) for t in at]
    assert counts[0] < counts[1] < counts[2] < counts[3], counts  # more of the line drawn each time
    assert abs(counts[4] - counts[3]) <= 0.02 * counts[3], counts  # complete: held to the scene's end


def test_captions_are_burned_in_large_on_a_dark_box(built):
    scene = next(s for s in built.scenes if s.kind == "overall")
    cue = scene.cues[0]
    luminance = frame_at(built.video, (cue.start + cue.end) / 2).astype(int).mean(axis=2)
    # the box: found from its bottom row (below the text, above the frame's edge), then upwards
    bottom = 720 - reel.CAPTION_MARGIN_PX - 3
    dark = np.flatnonzero(luminance[bottom] < 40)
    assert len(dark) > 600, "no caption box above the bottom edge"
    left, right = dark.min() + 3, dark.max() - 3
    top = bottom
    while top > 0 and luminance[top - 1, left] < 40:
        top -= 1
    assert bottom - top >= 2 * 40, bottom - top  # room for two lines of 40 px text
    luminance = luminance[top + 2 : bottom, left:right]
    assert np.median(luminance) < 40  # the box is dark (#111: 17 of 255)
    assert (luminance > 220).mean() > 0.05  # white text on it
    # text height: the tallest run of rows with white pixels is one line from cap top to descender bottom;
    # 40 px DejaVu Sans text measures 0.73 + 0.24 em = 38.8 px there, so a run of 38 rows or more
    text_rows = (luminance > 200).any(axis=1)
    runs, current = [], 0
    for has_text in text_rows:
        current = current + 1 if has_text else 0
        runs.append(current)
    assert max(runs) >= 38, max(runs)


def test_result_summary_names_the_files_and_numbers(built):
    line = built.summary()
    assert "status_reel.mp4" in line and "status_reel.vtt" in line and " s," in line
    assert str(Path("/")) not in line.replace("status_reel.mp4", "")


# ----------------------------------------------------------------------------- hand-made status runs
def write_status_run(folder: Path, decision_title: str, milestone: str) -> Path:
    """A status run folder as the status deck writes it, with what a SharePoint RAID list export can hold.

    Real shape: a RAID list where someone pasted HTML, a TeX-like formula and a caption-file arrow into
    a decision's title, and a milestone name that starts like a spreadsheet formula (saved as "'=..."
    by the neutralising CSV writer). ``metrics.json``, ``summary.md`` (Markdown-escaped bullets),
    ``run.json`` with the deck's params, and the two snapshots the reel reads.
    """
    folder.mkdir(parents=True)
    metrics = {"title": "Programme <b>Atlas</b>", "overall_rag": "amber", "period_end": "2026-11-27"}
    (folder / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    (folder / "run.json").write_text(
        json.dumps({"status": "succeeded", "params": {"slip_tolerance_days": 0, "runs": {}}}), encoding="utf-8"
    )
    (folder / "summary.md").write_text(
        "**Programme &lt;b>Atlas&lt;/b>**, week ending 2026-11-27\n\n- Overall AMBER: Delivery \\*late\\*.\n",
        encoding="utf-8",
    )
    raid = (
        "\ufeffid,type,title,owner,raised,due,status,probability,impact,mitigation,workstream,closed,open\n"
        f'7,Decision,"{decision_title}",Ana <i>Ruiz</i>,2026-11-01,2026-12-01,Open,,,,PMO,,True\n'
        "8,Decision,Closed one,Bo,2026-10-01,2026-10-10,Closed,,,,PMO,2026-10-09,False\n"
    )
    (folder / "raid_snapshot.csv").write_text(raid, encoding="utf-8")
    (folder / "milestones_snapshot.csv").write_text(
        "\ufeffmilestone,workstream,baseline,forecast,actual,status\n"
        f"'{milestone},Delivery,2026-11-01,2026-11-15,,Open\n"
        "On time,Delivery,2026-12-01,2026-12-01,,Open\n",
        encoding="utf-8",
    )
    return folder


HOSTILE_TITLE = r"Pay $\alpha$ <script>alert(1)</script> & R&D --> now"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, reel.ReelResult]:
    folder = write_status_run(tmp_path_factory.mktemp("hostile") / "status_deck" / "weekly", HOSTILE_TITLE, "=SUM(A1)")
    return folder, reel.build_reel(folder, runs={})


def test_untrusted_text_is_said_as_written_and_escaped_in_the_caption_file(hostile):
    folder, built = hostile
    text = built.captions.read_text(encoding="utf-8")
    cues = parse_vtt(text)
    said = " ".join(unescape_vtt(line) for cue in cues for line in cue["lines"])
    # the decision (the open one only) with its markup, formula and arrow as plain words
    assert "1 decision needed: Pay $\\alpha$ <script>alert(1)</script> & R&D --> now (Ana <i>Ruiz</i>)." in said
    assert "Closed one" not in said
    assert "<script>" not in text and "<b>" not in text and "--> now" not in text  # escaped in the file
    assert "&lt;script&gt;" in text
    # summary.md's Markdown escapes undone: the reel draws plain text
    assert "Overall AMBER: Delivery *late*." in said
    # the neutralised milestone name read back as written, slipped by 14 days (15 Nov - 1 Nov)
    assert "1 of 2 milestones slipped: =SUM(A1) +14 days." in said
    assert "Programme <b>Atlas</b>: week ending 27 November 2026." in said


def test_a_reel_without_workbooks_is_still_at_least_45_seconds(hostile):
    folder, built = hostile
    assert [s.kind for s in built.scenes] == ["title", "overall", "milestones", "decisions"]
    assert 45 <= probe(built.video)["seconds"] <= 90
    assert built.video == folder / "status_reel.mp4" and built.captions == folder / "status_reel.vtt"


def test_same_inputs_give_the_same_files(hostile, tmp_path):
    folder, built = hostile
    again = reel.build_reel(folder, runs={}, out=tmp_path / "again.mp4")
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (built.video, again.video)]
    assert digest[0] == digest[1]
    assert built.captions.read_text(encoding="utf-8") == again.captions.read_text(encoding="utf-8")


def test_not_a_status_run_is_refused_in_one_line(tmp_path, capsys):
    (tmp_path / "metrics.json").write_text(json.dumps({"verdict": "x"}), encoding="utf-8")
    with pytest.raises(InputError, match=r"^metrics.json: field 'overall_rag': expected a status deck run"):
        reel.build_reel(tmp_path)
    assert reel.main([str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: nowhere: ") and "\n" not in err
    assert not list(tmp_path.glob("*.mp4")) and not list(tmp_path.glob(".*"))


def test_counts_the_status_run_could_not_make_are_said_unknown_not_zero(tmp_path):
    """Real shape: the week the RAID log came out of SharePoint as a header row only, so the status run
    recorded ``decisions_needed: null`` and saved an empty RAID snapshot, and no milestones snapshot."""
    folder = write_status_run(tmp_path / "status_deck" / "weekly", "unused", "unused")
    (folder / "raid_snapshot.csv").write_text(
        "\ufeffid,type,title,owner,raised,due,status,probability,impact,mitigation,workstream,closed,open\n",
        encoding="utf-8",
    )
    (folder / "milestones_snapshot.csv").unlink()
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    (folder / "metrics.json").write_text(json.dumps({**metrics, "decisions_needed": None}), encoding="utf-8")
    scenes = {s.kind: s for s in reel.scenes_for(reel.read_story(folder, {}))}
    assert scenes["decisions"].caption == "Decisions needed unknown: the status run read no RAID item."
    assert scenes["milestones"].caption == "Milestone slips unknown: the status run saved no milestones."
    # a recorded 0 with an empty RAID list is a known zero
    (folder / "metrics.json").write_text(json.dumps({**metrics, "decisions_needed": 0}), encoding="utf-8")
    scenes = {s.kind: s for s in reel.scenes_for(reel.read_story(folder, {}))}
    assert scenes["decisions"].caption == "No decision is needed this week."


def test_publish_reel_flag_writes_the_reel_beside_the_mail(bundled_batch, tmp_path, capsys):
    """`pmokit publish STATUS_RUN --reel` makes the reel in the status run folder and says what it wrote."""
    import shutil

    from pmokit import cli

    out = tmp_path / "out"
    shutil.copytree(bundled_batch.out, out, ignore=shutil.ignore_patterns("history_store", "*.ipynb"))
    folder = out / STATUS_RUN
    assert cli.main(["publish", str(folder), "--reel"]) == 0
    shown = capsys.readouterr().out
    assert (folder / "status_reel.mp4").stat().st_size > 0 and (folder / "status_reel.vtt").is_file()
    assert (folder / "status_mail.eml").is_file()
    assert "status_reel.mp4:" in shown and "captions status_reel.vtt" in shown
