//! The Markdown report of a labelled set.

use super::*;

impl LabelledSet {
    /// The set as Markdown: a summary line, the per-check table, the failures.
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let split = match self.split {
            Split::All => "all rows",
            Split::Tune => "tuning rows",
            Split::Check => "held-out rows",
        };
        let _ = writeln!(s, "### `{}` ({split})\n", self.labels);
        let _ = writeln!(
            s,
            "{} images ({} not evaluated); good captures rejected by a capture check: \
             **{} of {}** ({}){}; quad IoU (document fully in frame, {} images, {} without a \
             quad): median {}, 10th percentile {}.\n",
            self.images,
            self.errors,
            self.good_rejected,
            self.good,
            crate::pct(self.good_rejected_rate),
            if self.good_reject_codes.is_empty() {
                String::new()
            } else {
                format!(
                    " — {}",
                    self.good_reject_codes
                        .iter()
                        .map(|(c, n)| format!("{c} {n}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
            self.iou.cases,
            self.iou.missing,
            crate::fmt3(self.iou.median),
            crate::fmt3(self.iou.p10),
        );
        if let Some(z) = &self.mrz {
            let _ = writeln!(
                s,
                "Machine-readable zone: of {} documents printing one in the frame, band found \
                 on {}, read on {}, valid (every check digit) on {}, an `mrz_*` finding on {}; \
                 of {} printing none, a band reported on {} (unread: characters under the \
                 reader's size), an `mrz_*` finding on {}.\n",
                z.with_zone,
                z.found,
                z.read,
                z.valid,
                z.flagged,
                z.without_zone,
                z.false_band,
                z.false_flagged
            );
        }
        if let Some((exact, n)) = self.cut_edges_exact {
            let _ = writeln!(s, "Cut-off edges exactly right: {exact} of {n}.\n");
        }
        s.push_str(
            "| check | TP | FP | FN | TN | precision | recall | good flagged | good rejected |\n",
        );
        s.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for c in &self.checks {
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} |",
                c.check,
                c.counts.tp,
                c.counts.fp,
                c.counts.fn_,
                c.counts.tn,
                crate::fmt3(c.precision),
                crate::fmt3(c.recall),
                c.good_flagged,
                c.good_rejected
            );
        }
        let failures = self.failures();
        if !failures.is_empty() {
            let _ = writeln!(s, "\n{} images with a disagreement:\n", failures.len());
            s.push_str("| image | class | what | report |\n|---|---|---|---|\n");
            for (row, what) in failures {
                let _ = writeln!(
                    s,
                    "| `{}` | {} | {what} | {} |",
                    row.file,
                    row.class,
                    row.observed.summary()
                );
            }
        }
        s
    }
}
