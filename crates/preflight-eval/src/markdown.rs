//! The Markdown report of a synthetic run.

use super::*;

impl EvalResult {
    /// The report as Markdown: per-check table, good-capture rejects, cut-off edges, quad
    /// IoU, timing, per-variant table and the failures grouped by variant and check.
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let seeds = match self.seeds {
            Some((a, b)) => format!("seeds {a}..{}", b + 1),
            None => "no seeds".into(),
        };
        let held_out = match self.seeds {
            Some((a, _)) if a >= HELD_OUT_START => "held out",
            Some((_, b)) if b < HELD_OUT_START => "tuning range",
            Some(_) => "tuning and held-out ranges mixed",
            None => "-",
        };
        let _ = writeln!(s, "# Capture-quality evaluation\n");
        let _ = writeln!(
            s,
            "{} synthetic cases ({} variants, {seeds}, {held_out}), frame {}, class `{}`, \
             EXIF orientations {}. Not evaluated (errors): {}.\n",
            self.cases,
            self.variants,
            self.frames.join(", "),
            self.class,
            ORIENTATIONS.map(|o| o.to_string()).join("/"),
            self.errors
        );

        let _ = writeln!(s, "## Per check\n");
        let _ = writeln!(
            s,
            "| check | TP | FP | FN | TN | don't care | precision | recall | \
             rejects good | flags good |"
        );
        let _ = writeln!(s, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        for c in &self.checks {
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                c.check,
                c.counts.tp,
                c.counts.fp,
                c.counts.fn_,
                c.counts.tn,
                c.dont_care,
                fmt3(c.precision),
                fmt3(c.recall),
                pct(c.good_reject_rate),
                pct(c.good_flag_rate)
            );
        }
        let _ = writeln!(
            s,
            "\nPrecision = TP/(TP+FP), recall = TP/(TP+FN), don't-care cases excluded; \
             — = undefined. A check counts as reported when its finding has warn or reject \
             severity. *rejects good* / *flags good*: share of good captures (`good`, \
             `cluttered`, `tilted_*`) with this finding at reject / at any severity.\n"
        );

        let g = &self.good;
        let _ = writeln!(s, "## False rejects on good captures\n");
        let _ = writeln!(
            s,
            "- {} good captures; **{}** ({}) got at least one reject finding of any code \
             (errors count as rejects); {} ({}) from the capture-quality checks alone.",
            g.cases,
            g.any_reject,
            pct(g.any_reject_rate),
            g.capture_reject,
            pct(g.capture_reject_rate)
        );
        let codes: Vec<String> = g
            .reject_codes
            .iter()
            .map(|(c, n)| format!("`{c}` {n}"))
            .collect();
        let _ = writeln!(
            s,
            "- Good captures per reject code: {}.{}\n",
            if codes.is_empty() {
                "none".into()
            } else {
                codes.join(", ")
            },
            if g.reject_codes.contains_key("resolution_too_low") {
                " (Frames below the class's minimum long side are all rejected by \
                 `resolution_too_low`; evaluate at 1600x1200 or larger.)"
            } else {
                ""
            }
        );

        let e = &self.cut_off_edges;
        let _ = writeln!(s, "## Cut-off edges\n");
        let per_edge: Vec<String> = ["left", "top", "right", "bottom"]
            .iter()
            .map(|k| {
                format!(
                    "{k} {}",
                    pct(e.per_edge_accuracy.get(*k).copied().flatten())
                )
            })
            .collect();
        let _ = writeln!(
            s,
            "- {} cut-off cases; reported edges exactly right in {} ({}); cut-off reported \
             in {}, of which {} exactly right.\n- Per-edge agreement: {}.\n",
            e.cases,
            e.exact,
            pct(e.exact_rate),
            e.detected,
            pct(e.exact_among_detected),
            per_edge.join(", ")
        );

        let q = &self.quad_iou;
        let _ = writeln!(s, "## Document quad\n");
        let _ = writeln!(
            s,
            "- IoU with the true quad over {} cases (document fully in frame, not tight): \
             median **{}**, 10th percentile **{}**, mean {}; no quad reported in {} \
             (scored 0).\n",
            q.cases,
            fmt3(q.median),
            fmt3(q.p10),
            fmt3(q.mean),
            q.missing
        );

        let t = &self.time;
        let _ = writeln!(s, "## Time\n");
        let _ = writeln!(
            s,
            "- `check` per image (rendering not included, {} worker threads{}): median {} ms, \
             p90 {} ms, max {} ms over {} images.\n",
            t.jobs,
            if t.jobs == 0 { " = all cores" } else { "" },
            fmt1(t.median_ms),
            fmt1(t.p90_ms),
            fmt1(t.max_ms),
            t.cases
        );

        let _ = writeln!(s, "## Per variant\n");
        let _ = writeln!(
            s,
            "| variant | cases | pass | warn | reject | error | expected found | false flags | median IoU |"
        );
        let _ = writeln!(s, "|---|--:|--:|--:|--:|--:|--:|--:|--:|");
        for r in &self.per_variant {
            let found = if r.positives == 0 {
                "—".to_string()
            } else {
                format!("{}/{}", r.hits, r.positives)
            };
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} |",
                r.variant,
                r.cases,
                r.pass,
                r.warn,
                r.reject,
                r.error,
                found,
                r.false_flags,
                fmt3(r.median_iou)
            );
        }

        let _ = writeln!(s, "\n## Failures\n");
        if self.failures.is_empty() {
            let _ = writeln!(s, "None.");
            return s;
        }
        // Grouped by (variant, kind, check); the JSON output lists every one.
        let mut groups: Vec<(String, &str, String, Vec<&Failure>)> = Vec::new();
        for f in &self.failures {
            match groups
                .iter_mut()
                .find(|g| g.0 == f.variant && g.1 == f.kind && g.2 == f.check)
            {
                Some(g) => g.3.push(f),
                None => groups.push((f.variant.clone(), f.kind, f.check.clone(), vec![f])),
            }
        }
        let _ = writeln!(
            s,
            "{} disagreements in {} groups (every one is in the JSON output). \
             Examples show seed/orientation and what was found.\n",
            self.failures.len(),
            groups.len()
        );
        let _ = writeln!(s, "| variant | kind | check | count | examples |");
        let _ = writeln!(s, "|---|---|---|--:|---|");
        for (variant, kind, check, list) in &groups {
            let examples: Vec<String> = list
                .iter()
                .take(3)
                .map(|f| {
                    format!(
                        "{}/o{}: {}",
                        f.seed,
                        f.orientation,
                        f.found.replace('|', "\\|")
                    )
                })
                .collect();
            let _ = writeln!(
                s,
                "| `{variant}` | {kind} | `{check}` | {} | {} |",
                list.len(),
                examples.join("; ")
            );
        }
        s
    }
}

pub(crate) fn fmt3(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |x| format!("{x:.3}"))
}

pub(crate) fn fmt1(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |x| format!("{x:.1}"))
}

pub(crate) fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |x| format!("{:.1} %", 100.0 * x))
}
