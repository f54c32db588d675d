//! Incremental maintenance against evaluation from scratch: random
//! sessions of changes (see `common/maintain.rs` for what each step
//! checks), half of them with split joins on two threads.

use proptest::prelude::*;

mod common;
use common::config;
use common::maintain::session;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn maintained_model_matches_evaluation_from_scratch(seed in any::<u64>()) {
        if let Err(why) = session(seed, config) {
            panic!("{why}");
        }
    }
}
