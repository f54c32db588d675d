//! Did-you-mean suggestions: the closest known name by edit distance.
//! Asked by the checker (undefined predicates), imports (unknown columns)
//! and why-not answers (unknown predicates and constants), so it sits
//! below all of them.

/// "did you mean `x`?" for the closest name within a third of the length.
pub fn did_you_mean<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> Option<String> {
    let limit = (name.chars().count() / 3).max(1);
    let mut candidates: Vec<(usize, &str)> = known
        .map(|k| (edit_distance(name, k), k))
        .filter(|&(d, _)| d <= limit)
        .collect();
    candidates.sort();
    candidates
        .first()
        .map(|(_, best)| format!("did you mean `{best}`?"))
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_character_edits() {
        assert_eq!(edit_distance("treaty", "treaty"), 0);
        assert_eq!(edit_distance("traety", "treaty"), 2);
        assert_eq!(edit_distance("treat", "treaty"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(
            did_you_mean("treatie", ["treaty", "ally"].into_iter()).as_deref(),
            Some("did you mean `treaty`?")
        );
        assert_eq!(did_you_mean("xyz", ["treaty"].into_iter()), None);
    }
}
