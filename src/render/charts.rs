//! Trend charts drawn with plotters as inline SVG. Colours are from the
//! Okabe-Ito palette (distinguishable with colour-blindness), and each series
//! also differs by line dash and marker shape, so a chart still reads when
//! printed in black and white. Every chart carries a `<title>` and `<desc>`
//! and is shown beside its data table.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use crate::error::{Error, Result};

const WIDTH: u32 = 720;
const HEIGHT: u32 = 300;
const FONT: &str = "sans-serif";

/// Okabe-Ito blue, vermillion, bluish green.
const COLOURS: [RGBColor; 3] = [RGBColor(0, 114, 178), RGBColor(213, 94, 0), RGBColor(0, 158, 115)];
const TEXT: RGBColor = RGBColor(33, 33, 33);
const GRID: RGBColor = RGBColor(220, 220, 220);
const TARGET: RGBColor = RGBColor(90, 90, 90);

pub struct Series {
    pub label: String,
    pub values: Vec<Option<f64>>,
}

pub struct ChartSpec<'a> {
    /// Used for the SVG's element ids; must be unique in the page.
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub x_labels: &'a [String],
    pub x_title: &'a str,
    pub y_title: &'a str,
    pub series: &'a [Series],
    /// Fixed top of the y axis (100 for percentages); else from the data.
    pub y_max: Option<f64>,
    pub target: Option<(f64, String)>,
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::Render { what: "chart".into(), message: e.to_string() }
}

fn y_top(spec: &ChartSpec) -> f64 {
    if let Some(top) = spec.y_max {
        return top;
    }
    let max = spec.series.iter().flat_map(|s| s.values.iter().flatten()).fold(0.0f64, |a, b| a.max(*b));
    let max = spec.target.as_ref().map_or(max, |(t, _)| max.max(*t));
    if max <= 0.0 {
        1.0
    } else {
        (max * 1.15).ceil()
    }
}

/// Runs of consecutive values, so a missing period breaks the line.
fn runs(values: &[Option<f64>]) -> Vec<Vec<(usize, f64)>> {
    let mut out = vec![Vec::new()];
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => out.last_mut().unwrap().push((i, *v)),
            None if !out.last().unwrap().is_empty() => out.push(Vec::new()),
            None => {}
        }
    }
    out.retain(|r| !r.is_empty());
    out
}

pub fn line_chart(spec: &ChartSpec) -> Result<String> {
    draw(spec, Kind::Line)
}

pub fn bar_chart(spec: &ChartSpec) -> Result<String> {
    draw(spec, Kind::Bar)
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Line,
    Bar,
}

fn draw(spec: &ChartSpec, kind: Kind) -> Result<String> {
    let n = spec.x_labels.len();
    let top = y_top(spec);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin_top(30)
            .margin_right(16)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d((0..n.saturating_sub(1)).into_segmented(), 0f64..top)
            .map_err(err)?;
        let labels = spec.x_labels;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .axis_style(TEXT)
            .label_style((FONT, 16).into_font().color(&TEXT))
            .axis_desc_style((FONT, 17).into_font().color(&TEXT))
            .x_desc(spec.x_title)
            .y_desc(spec.y_title)
            .x_labels(n)
            .y_label_formatter(&|v| if top > 10.0 { format!("{v:.0}") } else { format!("{v:.1}") })
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .draw()
            .map_err(err)?;

        for (k, series) in spec.series.iter().enumerate() {
            let colour = COLOURS[k % COLOURS.len()];
            let stroke = colour.stroke_width(3);
            match kind {
                Kind::Line => {
                    for run in runs(&series.values) {
                        let points: Vec<_> =
                            run.iter().map(|(i, v)| (SegmentValue::CenterOf(*i), *v)).collect();
                        if k % 2 == 0 {
                            chart.draw_series(LineSeries::new(points.clone(), stroke)).map_err(err)?;
                        } else {
                            chart
                                .draw_series(DashedLineSeries::new(points.clone(), 9, 5, stroke))
                                .map_err(err)?;
                        }
                        for p in points {
                            if k % 2 == 0 {
                                chart
                                    .draw_series(std::iter::once(Circle::new(p, 5, colour.filled())))
                                    .map_err(err)?;
                            } else {
                                chart
                                    .draw_series(std::iter::once(TriangleMarker::new(p, 7, colour.filled())))
                                    .map_err(err)?;
                            }
                        }
                    }
                }
                Kind::Bar => {
                    let width = spec.series.len().max(1) as u32;
                    for (i, v) in series.values.iter().enumerate() {
                        let Some(v) = v else { continue };
                        // Solid bars for the first series, white bars with a
                        // heavy outline for the second: distinct in greyscale.
                        let style = if k % 2 == 0 { colour.filled() } else { WHITE.filled() };
                        let mut bar = Rectangle::new(
                            [(SegmentValue::Exact(i), 0.0), (SegmentValue::Exact(i + 1), *v)],
                            style,
                        );
                        let slot = 80 / width;
                        let left = 10 + slot * k as u32;
                        bar.set_margin(0, 0, left, 90u32.saturating_sub(left + slot));
                        chart.draw_series(std::iter::once(bar)).map_err(err)?;
                        if k % 2 == 1 {
                            let mut outline = Rectangle::new(
                                [(SegmentValue::Exact(i), 0.0), (SegmentValue::Exact(i + 1), *v)],
                                colour.stroke_width(3),
                            );
                            outline.set_margin(0, 0, left, 90u32.saturating_sub(left + slot));
                            chart.draw_series(std::iter::once(outline)).map_err(err)?;
                        }
                    }
                }
            }
        }
        if let Some((target, label)) = &spec.target {
            let line = vec![(SegmentValue::Exact(0), *target), (SegmentValue::Last, *target)];
            chart.draw_series(DashedLineSeries::new(line, 4, 4, TARGET.stroke_width(2))).map_err(err)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    label.clone(),
                    (SegmentValue::CenterOf(n.saturating_sub(1)), *target + top * 0.02),
                    (FONT, 15).into_font().color(&TARGET).pos(plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Center,
                        plotters::style::text_anchor::VPos::Bottom,
                    )),
                )))
                .map_err(err)?;
        }
        draw_legend(&root, spec, kind)?;
        root.present().map_err(err)?;
    }
    Ok(accessible(svg, spec))
}

/// A legend above the plot, drawn by hand so its swatches match each
/// series's dash and marker.
fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    spec: &ChartSpec,
    kind: Kind,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let mut x = 70;
    let y = 10;
    for (k, series) in spec.series.iter().enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        match kind {
            Kind::Line => {
                if k % 2 == 0 {
                    root.draw(&PathElement::new(vec![(x, y), (x + 28, y)], colour.stroke_width(3)))
                        .map_err(err)?;
                    root.draw(&Circle::new((x + 14, y), 5, colour.filled())).map_err(err)?;
                } else {
                    for seg in 0..2 {
                        let sx = x + seg * 16;
                        root.draw(&PathElement::new(vec![(sx, y), (sx + 9, y)], colour.stroke_width(3)))
                            .map_err(err)?;
                    }
                    root.draw(&TriangleMarker::new((x + 14, y), 7, colour.filled())).map_err(err)?;
                }
            }
            Kind::Bar => {
                let style = if k % 2 == 0 { colour.filled() } else { WHITE.filled() };
                root.draw(&Rectangle::new([(x + 4, y - 6), (x + 24, y + 6)], style)).map_err(err)?;
                root.draw(&Rectangle::new([(x + 4, y - 6), (x + 24, y + 6)], colour.stroke_width(2)))
                    .map_err(err)?;
            }
        }
        let label = series.label.clone();
        root.draw(&Text::new(label.clone(), (x + 36, y - 7), (FONT, 16).into_font().color(&TEXT)))
            .map_err(err)?;
        x += 48 + 8 * label.chars().count() as i32;
    }
    Ok(())
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Give the SVG a role, a title and a description for assistive technology,
/// and let it scale to the width of the page.
fn accessible(svg: String, spec: &ChartSpec) -> String {
    let Some(start) = svg.find("<svg") else { return svg };
    let Some(end) = svg[start..].find('>').map(|e| start + e) else { return svg };
    let id = spec.id;
    let head = format!(
        "<svg viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" class=\"chart\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        xml_escape(spec.title),
        xml_escape(spec.description)
    );
    format!("{}{}{}", &svg[..start], head, &svg[end + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec<'a>(labels: &'a [String], series: &'a [Series]) -> ChartSpec<'a> {
        ChartSpec {
            id: "t",
            title: "Responded to on time <by stage>",
            description: "Stage 1 rose from 70% to 80%.",
            x_labels: labels,
            x_title: "Quarter",
            y_title: "% on time",
            series,
            y_max: Some(100.0),
            target: Some((90.0, "Target 90%".into())),
        }
    }

    #[test]
    fn charts_are_accessible_scalable_svg_with_escaped_text() {
        let labels: Vec<String> = (1..=8).map(|q| format!("Q{q}")).collect();
        let series = vec![
            Series {
                label: "Stage 1".into(),
                values: vec![
                    Some(70.0),
                    Some(72.0),
                    None,
                    Some(75.0),
                    Some(80.0),
                    Some(81.0),
                    Some(79.0),
                    Some(80.0),
                ],
            },
            Series { label: "Stage 2".into(), values: vec![Some(60.0); 8] },
        ];
        for svg in [line_chart(&spec(&labels, &series)).unwrap(), bar_chart(&spec(&labels, &series)).unwrap()]
        {
            assert!(svg.starts_with("<svg viewBox=\"0 0 720 300\" width=\"100%\""), "{}", &svg[..200]);
            assert!(svg.contains("<title id=\"t-title\">Responded to on time &lt;by stage&gt;</title>"));
            assert!(svg.contains("role=\"img\""));
            assert!(svg.contains("Q8\n</text>") || svg.contains(">Q8<"), "x labels drawn");
            assert!(svg.contains("Stage 2"), "legend drawn");
            assert!(!svg.contains("<script"));
        }
    }

    #[test]
    fn missing_values_break_the_line() {
        assert_eq!(
            runs(&[Some(1.0), None, Some(2.0), Some(3.0)]),
            vec![vec![(0, 1.0)], vec![(2, 2.0), (3, 3.0)]]
        );
    }
}
