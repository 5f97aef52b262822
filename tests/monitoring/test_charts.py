"""The SVG charts: named for screen readers, values written out, text escaped."""

from openimi.monitoring.charts import bar_chart, column_chart


def test_a_column_chart_is_a_named_image_with_its_values():
    svg = column_chart(
        title="Requests per month",
        description="One bar per month.",
        labels=["Jan\n2026", "Feb"],
        values=[4, None],
        axis_label="Number of requests",
    )
    assert svg.startswith("<svg ")
    assert 'role="img"' in svg
    chart_id = svg.split('aria-labelledby="')[1].split("-title")[0]
    assert f'<title id="{chart_id}-title">Requests per month</title>' in svg
    assert f'<desc id="{chart_id}-desc">One bar per month.</desc>' in svg
    assert ">4</text>" in svg  # the value on the bar
    assert ">–</text>" in svg  # nothing to count
    assert ">2026</text>" in svg  # the second line of the label
    assert svg.count("<rect ") == 1
    assert "style=" not in svg  # presentation attributes only (CSP)


def test_a_bar_chart_escapes_its_labels():
    svg = bar_chart(
        title="Per area <b>",
        description="d",
        labels=['<script>alert("x")</script>', "Services"],
        values=[75.0, None],
        unit="%",
        maximum=100,
        empty_label="no data",
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "Per area &lt;b&gt;" in svg
    assert ">75%</text>" in svg and ">no data</text>" in svg
