//! Which follow-up an interviewer asks first, decided once the main answer
//! has ended: (a) what that answer's delivery says (a very short answer
//! gets the probe that asks for depth, one that ran over the probe that
//! asks for the short version), then (b) the candidate's weakest checklist
//! items among those the probes test, by their ratings of the last
//! [`HISTORY_DAYS`] days, then (c) the loop file's order.
//!
//! Pure: the same question, answer and ratings give the same order and the
//! same reasons, which are stored with the run (so a resumed run keeps them).

use crate::loops::{Loop, ProbeAim, Question};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A main answer shorter than this share of the question's target length
/// is "very short": it gets the probe that asks for depth first.
pub const SHORT_SHARE: f64 = 0.4;
/// Ratings older than this many days do not count as weak spots.
pub const HISTORY_DAYS: i64 = 30;
/// What an item nobody has rated yet counts as: between "partial" (2) and
/// "solid" (3), so a known weak spot (1-2) comes before it and a known
/// strength (3-4) after it.
pub const UNRATED: f64 = 2.5;

/// What is known about the main answer when it ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnswerSignals {
    /// Time on the answer clock, in milliseconds.
    pub used_ms: i64,
    /// Time it was given.
    pub given_ms: i64,
    /// Speech in its takes, once analysed; `None` when nothing was
    /// recorded (the clock's time is all there is then).
    pub speaking_seconds: Option<f64>,
}

/// One follow-up in the order it is asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProbeChoice {
    /// Its index in the question's probes (the loop file's order).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub probe: usize,
    /// Why it comes where it does, for the candidate.
    pub reason: String,
}

/// The order to ask `question`'s probes in after `answer`, given the
/// ratings (item id, 1-4) of the last [`HISTORY_DAYS`] days in `lp`.
pub fn choose(lp: &Loop, question: &Question, answer: &AnswerSignals, ratings: &[(String, u8)]) -> Vec<ProbeChoice> {
    let mut left: Vec<usize> = (0..question.probes.len()).collect();
    let mut order = Vec::with_capacity(left.len());

    // (a) The answer's delivery.
    if let Some((aim, reason)) = delivery_need(question, answer) {
        if let Some(at) = left.iter().position(|&i| question.probes[i].aim == Some(aim)) {
            order.push(ProbeChoice { probe: left.remove(at), reason });
        }
    }

    // (b) Weakest tested item first; (c) ties and the rest in file order.
    let means = item_means(ratings);
    let weakest = |i: usize| -> Option<(f64, &str)> {
        question.probes[i]
            .tests
            .iter()
            .filter_map(|id| means.get(id.as_str()).map(|&m| (m, id.as_str())))
            .min_by(|a, b| a.0.total_cmp(&b.0))
    };
    left.sort_by(|&a, &b| {
        let score = |i| weakest(i).map_or(UNRATED, |(m, _)| m);
        score(a).total_cmp(&score(b)).then(a.cmp(&b))
    });
    let mut named_weakest = false;
    for i in left {
        let reason = match weakest(i) {
            Some((mean, item)) => {
                let area = competency_name(lp, &question.kind, item);
                if named_weakest {
                    format!("then your {area} items: {mean:.1} of 4 this month")
                } else {
                    named_weakest = true;
                    format!("asked because your {area} items were your weakest this month ({mean:.1} of 4)")
                }
            }
            None if question.probes[i].tests.is_empty() => "in the loop's order".to_owned(),
            None => "in the loop's order: you have not rated what it tests this month".to_owned(),
        };
        order.push(ProbeChoice { probe: i, reason });
    }
    order
}

/// Which aim the answer calls for, and why, in words.
fn delivery_need(question: &Question, answer: &AnswerSignals) -> Option<(ProbeAim, String)> {
    let target_s = f64::from(question.target_seconds);
    let clock_s = answer.used_ms.max(0) as f64 / 1000.0;
    let spoken_s = answer.speaking_seconds.unwrap_or(clock_s);
    if spoken_s < SHORT_SHARE * target_s {
        let what = if answer.speaking_seconds.is_some() { "of speech" } else { "on the clock" };
        return Some((
            ProbeAim::Depth,
            format!(
                "asked because your answer was short: {} {what}, where a full one takes about {}",
                clock(spoken_s),
                clock(target_s)
            ),
        ));
    }
    if answer.used_ms > answer.given_ms {
        let over_s = (answer.used_ms - answer.given_ms) as f64 / 1000.0;
        return Some((ProbeAim::Brevity, format!("asked because your answer ran {} past its time", clock(over_s))));
    }
    None
}

/// Mean rating of each item.
fn item_means(ratings: &[(String, u8)]) -> HashMap<&str, f64> {
    let mut sums: HashMap<&str, (f64, f64)> = HashMap::new();
    for (item, rating) in ratings {
        let entry = sums.entry(item.as_str()).or_default();
        entry.0 += f64::from(*rating);
        entry.1 += 1.0;
    }
    sums.into_iter().map(|(item, (sum, n))| (item, sum / n)).collect()
}

/// The name of the competency a checklist item of a `kind` round is
/// evidence for (the item's id if the loop no longer has it).
fn competency_name(lp: &Loop, kind: &str, item: &str) -> String {
    lp.rounds
        .iter()
        .filter(|r| r.kind == kind)
        .flat_map(|r| &r.checklist)
        .find(|i| i.id == item)
        .and_then(|i| lp.competency(&i.competency))
        .map_or_else(|| item.to_owned(), |c| c.name.clone())
}

/// Whole seconds as `m:ss`.
fn clock(seconds: f64) -> String {
    let s = seconds.round().max(0.0) as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loops::parse::parse_loop;
    use crate::loops::LoopSource;

    /// A loop worked out by hand: question `q` (target 100 s) has four
    /// probes: p0 tests `clear` (Communication), p1 tests `numbers`
    /// (Quantitative), p2 tests nothing and asks for depth, p3 tests
    /// `numbers` and `clear` and asks for brevity.
    fn fixture() -> Loop {
        let text = r#"
id = "t"
title = "T"
[[competencies]]
id = "comm"
name = "Communication"
[[competencies]]
id = "quant"
name = "Quantitative"
[[rounds]]
id = "r"
kind = "k"
title = "R"
minutes = 30
answer_seconds = 120
probe_seconds = 60
competencies = ["comm", "quant"]
  [[rounds.checklist]]
  id = "clear"
  text = "Clear"
  competency = "comm"
  [[rounds.checklist]]
  id = "numbers"
  text = "Numbers"
  competency = "quant"
[[questions]]
id = "q"
kind = "k"
text = "Q?"
target_seconds = 100
probes = [
  { text = "p0", tests = ["clear"] },
  { text = "p1", tests = ["numbers"] },
  { text = "p2", aim = "depth" },
  { text = "p3", tests = ["numbers", "clear"], aim = "brevity" },
]
"#;
        parse_loop("t.toml", text, LoopSource::Builtin).expect("fixture parses")
    }

    fn order(answer: AnswerSignals, ratings: &[(&str, u8)]) -> Vec<ProbeChoice> {
        let lp = fixture();
        let ratings: Vec<(String, u8)> = ratings.iter().map(|(i, r)| ((*i).to_owned(), *r)).collect();
        choose(&lp, &lp.questions[0], &answer, &ratings)
    }

    fn indices(choices: &[ProbeChoice]) -> Vec<usize> {
        choices.iter().map(|c| c.probe).collect()
    }

    /// 80 s of speech in a 90 s answer given 120 s: neither short nor long.
    const ORDINARY: AnswerSignals = AnswerSignals { used_ms: 90_000, given_ms: 120_000, speaking_seconds: Some(80.0) };

    #[test]
    fn no_history_and_an_ordinary_answer_keep_the_file_order() {
        let choices = order(ORDINARY, &[]);
        assert_eq!(indices(&choices), [0, 1, 2, 3]);
        assert_eq!(choices[0].reason, "in the loop's order: you have not rated what it tests this month");
        assert_eq!(choices[2].reason, "in the loop's order");
    }

    #[test]
    fn a_short_answer_gets_the_depth_probe_first_by_its_speech_not_its_clock() {
        // 39 s of speech < 40 % of 100 s, though the clock ran 90 s.
        let short = AnswerSignals { speaking_seconds: Some(39.0), ..ORDINARY };
        let choices = order(short, &[]);
        assert_eq!(indices(&choices), [2, 0, 1, 3]);
        assert_eq!(
            choices[0].reason,
            "asked because your answer was short: 0:39 of speech, where a full one takes about 1:40"
        );
        // 40 s is 40 %: not short.
        let enough = AnswerSignals { speaking_seconds: Some(40.0), ..ORDINARY };
        assert_eq!(indices(&order(enough, &[])), [0, 1, 2, 3]);
    }

    #[test]
    fn without_a_recording_the_clock_decides_shortness() {
        let unrecorded = AnswerSignals { used_ms: 30_000, given_ms: 120_000, speaking_seconds: None };
        let choices = order(unrecorded, &[]);
        assert_eq!(choices[0].probe, 2);
        assert!(choices[0].reason.contains("0:30 on the clock"), "{}", choices[0].reason);
    }

    #[test]
    fn an_answer_past_its_time_gets_the_brevity_probe_first() {
        let long = AnswerSignals { used_ms: 135_000, given_ms: 120_000, speaking_seconds: Some(120.0) };
        let choices = order(long, &[]);
        assert_eq!(indices(&choices), [3, 0, 1, 2]);
        assert_eq!(choices[0].reason, "asked because your answer ran 0:15 past its time");
        // A short answer that ran over (mostly silence) is short first.
        let silent = AnswerSignals { speaking_seconds: Some(10.0), ..long };
        assert_eq!(order(silent, &[])[0].probe, 2);
    }

    #[test]
    fn the_weakest_tested_item_comes_next_then_the_rest() {
        // numbers: (1 + 2) / 2 = 1.5; clear: 3. p1 and p3 both reach
        // numbers at 1.5: a tie, kept in file order. p0 (3.0) after the
        // unrated p2 (2.5).
        let ratings = [("numbers", 1), ("numbers", 2), ("clear", 3)];
        let choices = order(ORDINARY, &ratings);
        assert_eq!(indices(&choices), [1, 3, 2, 0]);
        assert_eq!(choices[0].reason, "asked because your Quantitative items were your weakest this month (1.5 of 4)");
        assert_eq!(choices[1].reason, "then your Quantitative items: 1.5 of 4 this month");
        assert_eq!(choices[3].reason, "then your Communication items: 3.0 of 4 this month");
    }

    #[test]
    fn delivery_comes_before_history() {
        let short = AnswerSignals { speaking_seconds: Some(5.0), ..ORDINARY };
        let choices = order(short, &[("clear", 1), ("numbers", 4)]);
        // p2 for depth; then p0 and p3 reach clear at 1 (tie: file order); p1 last.
        assert_eq!(indices(&choices), [2, 0, 3, 1]);
        assert!(choices[1].reason.contains("Communication items were your weakest"), "{}", choices[1].reason);
    }

    #[test]
    fn ratings_of_items_no_probe_tests_change_nothing_and_the_result_repeats() {
        let ratings = [("elsewhere", 1), ("clear", 2), ("numbers", 2)];
        let first = order(ORDINARY, &ratings);
        // All tested probes tie at 2.0: file order among them, p2 (2.5) last.
        assert_eq!(indices(&first), [0, 1, 3, 2]);
        assert_eq!(first, order(ORDINARY, &ratings));
    }

    #[test]
    fn a_question_without_a_probe_for_the_need_keeps_its_order() {
        let lp = fixture();
        let mut q = lp.questions[0].clone();
        q.probes.retain(|p| p.aim.is_none());
        let short = AnswerSignals { speaking_seconds: Some(1.0), ..ORDINARY };
        assert_eq!(indices(&choose(&lp, &q, &short, &[])), [0, 1]);
        q.probes.clear();
        assert!(choose(&lp, &q, &short, &[]).is_empty());
    }
}
