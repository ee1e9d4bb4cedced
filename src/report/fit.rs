//! Fitting a Markdown report into a size limit (GitHub refuses comments past 65,536 characters).
//!
//! The report is a head (verdict, summary table), sections of items in order of importance, and a footer.
//! When everything fits it is returned whole; otherwise each section's first item is kept first (a long
//! section cannot crowd out the ones after it), then the others in order while they fit, and each section
//! that lost items ends with "… N more in the full report." Pure, so the limit is tested, not hoped.

/// One section: a heading (with anything that must come before the items, like a table header) and items,
/// each ending with a newline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub items: Vec<String>,
}

/// Room kept per section for its heading's line breaks and the "… N more" line.
const MORE_LINE_RESERVE: usize = 64;

fn chars(text: &str) -> usize {
    text.chars().count()
}

fn more_line(omitted: usize) -> String {
    format!("\n… {omitted} more in the full report.\n")
}

fn push_section(out: &mut String, section: &Section, kept: &[&String], omitted: usize) {
    out.push_str(&section.heading);
    out.push('\n');
    for item in kept {
        out.push_str(item);
    }
    if omitted > 0 {
        out.push_str(&more_line(omitted));
    }
    out.push('\n');
}

/// Joins head, non-empty sections and footer, trimming items so the result has at most `budget` characters.
/// Only the head and footer are never trimmed: keep them small.
pub fn fit(head: &str, sections: &[Section], footer: &str, budget: usize) -> String {
    let sections: Vec<&Section> = sections.iter().filter(|s| !s.items.is_empty()).collect();
    let mut whole = String::from(head);
    for section in &sections {
        push_section(
            &mut whole,
            section,
            &section.items.iter().collect::<Vec<_>>(),
            0,
        );
    }
    whole.push_str(footer);
    if chars(&whole) <= budget {
        return whole;
    }

    let fixed: usize = chars(head)
        + chars(footer)
        + sections
            .iter()
            .map(|s| chars(&s.heading) + 2 + MORE_LINE_RESERVE)
            .sum::<usize>();
    let mut left = budget.saturating_sub(fixed);
    // Each section's first (most important) item first, so a long section cannot crowd out the next ones;
    // then the rest in order while they fit.
    let mut keep: Vec<Vec<bool>> = sections
        .iter()
        .map(|s| vec![false; s.items.len()])
        .collect();
    for (s, section) in sections.iter().enumerate() {
        let size = chars(&section.items[0]);
        if size <= left {
            left -= size;
            keep[s][0] = true;
        }
    }
    for (s, section) in sections.iter().enumerate() {
        for (i, item) in section.items.iter().enumerate().skip(1) {
            let size = chars(item);
            if size <= left {
                left -= size;
                keep[s][i] = true;
            }
        }
    }
    let mut out = String::from(head);
    for (s, section) in sections.iter().enumerate() {
        let kept: Vec<&String> = section
            .items
            .iter()
            .zip(&keep[s])
            .filter(|(_, k)| **k)
            .map(|(item, _)| item)
            .collect();
        let omitted = section.items.len() - kept.len();
        push_section(&mut out, section, &kept, omitted);
    }
    out.push_str(footer);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(heading: &str, items: usize, size: usize) -> Section {
        Section {
            heading: heading.into(),
            items: (0..items)
                .map(|i| format!("{}{}\n", i % 10, "x".repeat(size - 2)))
                .collect(),
        }
    }

    #[test]
    fn everything_is_kept_when_it_fits() {
        let out = fit(
            "head\n\n",
            &[section("## A", 2, 10), section("## Empty", 0, 10)],
            "footer\n",
            1000,
        );
        assert_eq!(out, "head\n\n## A\n0xxxxxxxx\n1xxxxxxxx\n\nfooter\n");
    }

    #[test]
    fn trimmed_output_stays_within_budget_and_says_what_was_left_out() {
        let sections = [
            section("## Failures", 500, 300),
            section("## Notes", 500, 100),
        ];
        for budget in [1_000, 10_000, 65_536] {
            let out = fit("head\n\n", &sections, "footer\n", budget);
            assert!(
                out.chars().count() <= budget,
                "{} > {budget}",
                out.chars().count()
            );
            assert!(out.starts_with("head\n\n## Failures\n") && out.ends_with("footer\n"));
            assert!(out.contains("more in the full report."));
            assert!(out.contains("## Notes\n"));
        }
        let out = fit("", &sections, "", 10_000);
        let kept = out.matches("xxx\n").count();
        let said: usize = out
            .lines()
            .filter_map(|l| {
                l.strip_prefix("… ")?
                    .split(' ')
                    .next()?
                    .parse::<usize>()
                    .ok()
            })
            .sum();
        assert_eq!(kept + said, 1000, "every item is either shown or counted");
    }

    #[test]
    fn every_section_keeps_its_first_item_before_a_long_one_fills_the_rest() {
        let sections = [section("## Long", 100, 100), section("## Short", 2, 50)];
        let out = fit("", &sections, "", 2_000);
        assert!(out.contains("## Short\n0x"), "{out}");
        assert!(out.contains("… 1 more in the full report."), "{out}");
    }

    #[test]
    fn later_small_items_still_fit_after_a_huge_one() {
        let sections = [Section {
            heading: "## A".into(),
            items: vec!["y".repeat(5000) + "\n", "small\n".into()],
        }];
        let out = fit("", &sections, "", 500);
        assert!(
            out.contains("small\n") && out.contains("… 1 more in the full report."),
            "{out}"
        );
    }
}
