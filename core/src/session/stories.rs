//! The story bank through the session: every write to it is one of these
//! methods, checked against the loaded loops first.

use super::{Result, RunView, Session, SessionError};
use crate::rehearsal::RunPlan;
use crate::store::{Rating, StoreError, TakeRow};
use crate::stories::{self, CheckResult, Coverage, Story, StoryInput, MAX_TITLE};
use serde::Serialize;
use std::collections::HashSet;

/// Most questions "Practise this story" asks: one behavioural round's worth.
const STORY_PRACTICE_QUESTIONS: usize = 3;

/// A story with its check and the takes that told it, for its own page.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StoryDetail {
    /// The story.
    pub story: Story,
    /// The story check, question by question.
    pub checks: Vec<CheckResult>,
    /// The takes that told it, oldest first.
    pub takes: Vec<StoryTake>,
}

/// One telling of a story: the take, what it answered, and how it went.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StoryTake {
    /// The take (its delivery measures included, once analysed).
    pub take: TakeRow,
    /// The question it answered, if its loop still has it.
    pub question: Option<String>,
    /// The self-assessment of that round on the checklist items the
    /// question asks for (every rating of the round when it names none).
    pub ratings: Vec<Rating>,
    /// Their mean, 1 (missing) to 4 (strong), if any was rated.
    pub mean_rating: Option<f64>,
}

impl Session {
    /// Every story in the bank, oldest first.
    pub fn stories(&self) -> Result<Vec<Story>> {
        Ok(self.store.stories()?)
    }

    /// Files a new story (`id == None`) or replaces what one says; returns
    /// it as stored. The title is required; competencies must be those of
    /// a loaded loop (or ones the story already had: a loop file of the
    /// candidate's that fails to load must not make the story unsavable);
    /// answers only to the questions the candidate answers.
    pub fn save_story(&mut self, id: Option<i64>, input: &StoryInput) -> Result<Story> {
        let had = match id {
            Some(id) => self.store.story(id)?.content.competencies,
            None => Vec::new(),
        };
        let input = self.checked_story(input, &had)?;
        let id = self.store.write_story(id, &input, self.clock.wall())?;
        Ok(self.store.story(id)?)
    }

    fn checked_story(&self, input: &StoryInput, had: &[String]) -> Result<StoryInput> {
        let bad = |message: String| SessionError::BadSetting(message);
        let title = input.title.trim();
        if title.is_empty() {
            return Err(bad("a story needs a title".into()));
        }
        if title.chars().count() > MAX_TITLE {
            return Err(bad(format!(
                "a story's title is at most {MAX_TITLE} characters; put the rest in its situation"
            )));
        }
        let mut competencies: Vec<String> = Vec::new();
        for c in &input.competencies {
            if !had.contains(c) && !self.catalog.loops.iter().any(|lp| lp.competency(c).is_some()) {
                return Err(bad(format!("no loaded loop has a competency \"{c}\"")));
            }
            if !competencies.contains(c) {
                competencies.push(c.clone());
            }
        }
        let mut answers: Vec<stories::CheckAnswer> = Vec::new();
        for a in &input.answers {
            if !stories::is_candidate_check(&a.id) {
                let id: String = a.id.chars().take(40).collect();
                return Err(bad(format!("the story check has no question \"{id}\" to answer")));
            }
            answers.retain(|earlier| earlier.id != a.id);
            answers.push(a.clone());
        }
        Ok(StoryInput {
            title: title.to_owned(),
            situation: input.situation.trim().to_owned(),
            action: input.action.trim().to_owned(),
            decision: input.decision.trim().to_owned(),
            constraint: input.constraint.trim().to_owned(),
            result: input.result.trim().to_owned(),
            competencies,
            answers,
        })
    }

    /// Deletes a story; [`Self::restore_story`] undoes it (until a session
    /// opens a day later). Its takes stay, unlinked while it is deleted.
    pub fn delete_story(&mut self, id: i64) -> Result<()> {
        Ok(self.store.delete_story(id, self.clock.wall())?)
    }

    /// Stories deleted in the last day, which can still be brought back.
    pub fn deleted_stories(&self) -> Result<Vec<Story>> {
        Ok(self.store.deleted_stories()?)
    }

    /// Brings a deleted story back, with its links to takes.
    pub fn restore_story(&mut self, id: i64) -> Result<Story> {
        self.store.restore_story(id)?;
        Ok(self.store.story(id)?)
    }

    /// Links a take to the story it told, or (`None`) to none.
    pub fn link_take(&mut self, take_id: i64, story_id: Option<i64>) -> Result<TakeRow> {
        self.store.link_take(take_id, story_id, self.clock.wall())?;
        Ok(self.store.take(take_id)?)
    }

    /// A story with its check and its takes, each with the question it
    /// answered, that round's ratings of what the question asks for, and
    /// (in the take) how it sounded.
    pub fn story_detail(&self, id: i64) -> Result<StoryDetail> {
        let story = self.store.story(id)?;
        let checks = stories::check(&story.content);
        let mut takes = Vec::new();
        for take in self.store.story_takes(id)? {
            let question = take
                .loop_id
                .as_deref()
                .zip(take.question_id.as_deref())
                .and_then(|(l, q)| self.catalog.get(l)?.question(q));
            let round_ratings = match (take.run_id, take.round_position.and_then(|p| usize::try_from(p).ok())) {
                (Some(run), Some(position)) => self.store.ratings(run, position).or_else(|e| match e {
                    StoreError::NotFound(_) => Ok(Vec::new()),
                    e => Err(e),
                })?,
                _ => Vec::new(),
            };
            let asked: Vec<Rating> = match question {
                Some(q) if !q.evidence.is_empty() => {
                    round_ratings.iter().filter(|r| q.evidence.contains(&r.item_id)).cloned().collect()
                }
                _ => round_ratings,
            };
            let mean_rating = (!asked.is_empty())
                .then(|| asked.iter().map(|r| f64::from(r.rating)).sum::<f64>() / asked.len() as f64);
            takes.push(StoryTake { question: question.map(|q| q.text.clone()), ratings: asked, mean_rating, take });
        }
        Ok(StoryDetail { story, checks, takes })
    }

    /// The coverage grid of the story bank in a loop.
    pub fn story_coverage(&self, loop_id: &str) -> Result<Coverage> {
        let lp = self.catalog.get(loop_id).ok_or_else(|| SessionError::UnknownLoop(loop_id.to_owned()))?;
        Ok(stories::coverage(lp, &self.store.stories()?))
    }

    /// "Practise this story": a short run of the loop's questions the
    /// story fits best ([`stories::fitting_questions`]), each take of
    /// which is linked to the story.
    pub fn start_story_practice(&mut self, story_id: i64, loop_id: &str, seed: u64) -> Result<RunView> {
        self.save_active()?;
        let story = self.store.story(story_id)?;
        let lp = self.catalog.get(loop_id).ok_or_else(|| SessionError::UnknownLoop(loop_id.to_owned()))?;
        let told: HashSet<String> =
            self.store.story_takes(story_id)?.into_iter().filter_map(|t| t.question_id).collect();
        let questions = stories::fitting_questions(lp, &story, &told, STORY_PRACTICE_QUESTIONS);
        let mut plan = RunPlan::practice(lp, &questions, seed).ok_or_else(|| {
            SessionError::BadSetting(format!(
                "no question of {} asks for what \"{}\" shows: tag it with a competency its behavioural rounds probe",
                lp.title, story.content.title
            ))
        })?;
        plan.story_id = Some(story_id);
        self.begin_run(plan)
    }
}
