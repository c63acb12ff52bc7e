"""The statistics bar chart: a self-contained, accessible SVG without scripts or inline styles."""

import xml.etree.ElementTree as ET

from app.admin.chart import bar_chart_svg

SVG = "{http://www.w3.org/2000/svg}"


def chart(pairs=None, title="Screenings, March 2026"):
    return bar_chart_svg(pairs or [("Fits", 12), ("Ordinary", 6), ("Under 18", None)], title)


def test_it_parses_and_is_an_image_with_a_title_and_the_values_in_words():
    root = ET.fromstring(chart())
    assert root.tag == SVG + "svg" and root.get("role") == "img"
    assert root.find(SVG + "title").text == "Screenings, March 2026"
    assert root.find(SVG + "desc").text == "Fits: 12; Ordinary: 6; Under 18: <5"


def test_no_style_attribute_and_no_script():
    text = chart()
    assert "style=" not in text and "<script" not in text.lower()


def test_bars_are_rects_whose_width_follows_the_count():
    rects = ET.fromstring(chart()).findall(SVG + "rect")
    widths = [int(rect.get("width")) for rect in rects]
    assert widths[0] == 2 * widths[1] and widths[0] > 0


def test_a_hidden_count_is_an_empty_outline_labelled_under_five():
    root = ET.fromstring(chart())
    hidden = root.findall(SVG + "rect")[2]
    assert hidden.get("fill") == "none" and hidden.get("stroke")
    assert [t.text for t in root.findall(SVG + "text")][-1] == "<5"


def test_labels_and_title_are_escaped():
    root = ET.fromstring(chart([("<script>alert(1)</script> & co", 7)], title='"A" <b>'))
    assert root.find(SVG + "title").text == '"A" <b>'
    assert "<script>alert(1)</script> & co" in [t.text for t in root.findall(SVG + "text")]
    assert not root.findall(".//" + SVG + "script") and not root.findall(".//script")


def test_an_empty_chart_is_still_valid():
    assert ET.fromstring(bar_chart_svg([], "Nothing yet")).findall(SVG + "rect") == []


def test_every_label_stands_above_its_bar_and_fits_the_chart():
    # Given labels as long as a translation may make them
    long_label = "Samtaler, hvor borgeren ikke mødte op og ikke meldte afbud"
    root = ET.fromstring(chart([(long_label, 30), ("Fits", 3), ("Ordinary", None)]))
    width = int(root.get("width"))
    labels = root.findall(SVG + "text")[1::2]  # after the title: a label and a value per row
    for label, rect in zip(labels, root.findall(SVG + "rect"), strict=True):
        # Then each label's baseline is above its bar's top, and no bar starts left of the label
        assert float(label.get("y")) <= float(rect.get("y")) - 2
        assert float(rect.get("x")) >= float(label.get("x"))
    # and the chart is wide enough for the longest label at a generous width per character
    assert width >= len(long_label) * 14 * 0.6
