//! The variables given for an assistant's prompt, checked against the ones its prompt uses:
//! the same check for a campaign's `variables_map` (the pre-flight of
//! [`campaigns`](crate::campaigns)) and for one call's `custom_args_values`.
//!
//! A variable given that the assistant does not use is most often a typo
//! (`compnay_name`), and one the assistant uses that is not given is heard as a blank by the
//! callee. Both are found here; what to do about them (a warning, a refusal) is the caller's
//! choice.
//!
//! ```
//! use ringg_api::variables::check_variables;
//!
//! let assistant = ["callee_name", "mobile_number", "company_name"].map(String::from);
//! let check = check_variables(&assistant, ["compnay_name"], &["callee_name", "mobile_number"]);
//! assert_eq!(check.unknown[0].name, "compnay_name");
//! assert_eq!(check.unknown[0].suggestion.as_deref(), Some("company_name"));
//! assert_eq!(check.missing, vec!["company_name".to_string()]);
//! ```

use serde::Serialize;

/// A variable given that the assistant does not use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownVariable {
    /// The name given.
    pub name: String,
    /// The assistant's variable it most likely meant (a close spelling), if any.
    pub suggestion: Option<String>,
}

/// What [`check_variables`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VariableCheck {
    /// Variables given that the assistant does not use, in the order given.
    pub unknown: Vec<UnknownVariable>,
    /// The assistant's variables that nothing fills, in the assistant's order.
    pub missing: Vec<String>,
}

impl VariableCheck {
    /// True when every given variable is the assistant's and every one of its variables is
    /// filled.
    pub fn is_clean(&self) -> bool {
        self.unknown.is_empty() && self.missing.is_empty()
    }
}

/// Checks the variables `given` against the assistant's own (`assistant_variables`, from
/// [`AssistantDetails::custom_variable_names`](crate::types::assistants::AssistantDetails::custom_variable_names)).
/// `filled_elsewhere` are variables filled without being given (for one call, Ringg fills
/// `callee_name` and `mobile_number` from the request; for a campaign, `mobile_number` comes
/// from the `Mobile Number` column): they are neither unknown nor missing.
pub fn check_variables<'a>(
    assistant_variables: &[String],
    given: impl IntoIterator<Item = &'a str>,
    filled_elsewhere: &[&str],
) -> VariableCheck {
    let given: Vec<&str> = given.into_iter().collect();
    let unknown = given
        .iter()
        .filter(|g| !filled_elsewhere.contains(g) && !assistant_variables.iter().any(|v| v == *g))
        .map(|g| UnknownVariable {
            name: (*g).to_string(),
            suggestion: closest(g, assistant_variables),
        })
        .collect();
    let missing = assistant_variables
        .iter()
        .filter(|v| !filled_elsewhere.contains(&v.as_str()) && !given.contains(&v.as_str()))
        .cloned()
        .collect();
    VariableCheck { unknown, missing }
}

/// The assistant variable spelled closest to `name`, when it is close enough to be a typo
/// (at most a third of the name's letters differ, at least one and at most three).
fn closest(name: &str, candidates: &[String]) -> Option<String> {
    let limit = (name.chars().count() / 3).clamp(1, 3);
    let lower = name.to_lowercase();
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vec<String> {
        ["callee_name", "mobile_number", "company_name", "due_date"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn unknown_and_missing() {
        let c = check_variables(
            &vars(),
            ["company_name", "due_date"],
            &["callee_name", "mobile_number"],
        );
        assert!(c.is_clean(), "{c:?}");
        let c = check_variables(&vars(), ["order_id"], &["callee_name", "mobile_number"]);
        assert_eq!(c.unknown[0].suggestion, None);
        assert_eq!(c.missing, vec!["company_name", "due_date"]);
        // A variable filled elsewhere that is given anyway is fine.
        let c = check_variables(&vars(), ["callee_name"], &["callee_name", "mobile_number"]);
        assert!(c.unknown.is_empty());
    }

    #[test]
    fn typos_get_a_suggestion() {
        let v = vars();
        assert_eq!(closest("compnay_name", &v).as_deref(), Some("company_name"));
        assert_eq!(closest("Due_Date", &v).as_deref(), Some("due_date"));
        assert_eq!(closest("x", &v), None);
        assert_eq!(closest("policy_number", &v), None);
    }
}
