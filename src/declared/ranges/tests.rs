//! Tests of version sets.

use super::*;

fn v(text: &str) -> Version {
    Version::parse_prefix(text).unwrap()
}

#[test]
fn versions_compare_with_zero_padding_and_parse_their_prefix() {
    assert_eq!(v("3.9"), v("3.9.0"));
    assert!(v("3.10") > v("3.9.18"));
    assert_eq!(v("v16.14.0rc1").0, vec![16, 14, 0]);
    assert_eq!(v("3.12-dev").0, vec![3, 12]);
    assert_eq!(Version::parse_prefix("lts/iron"), None);
    assert_eq!(v("3.9").next_series(), v("3.10"));
    assert_eq!(v("1.2.3").bump(0), v("2"));
    assert_eq!(v("3").bump(1), v("3.1"));
    assert_eq!(v("3.9.1").to_string(), "3.9.1");
}

#[test]
fn intersection_union_and_complement() {
    let py3 = Ranges::between(v("3"), v("4"));
    let from_38 = Ranges::interval(Some(incl(v("3.8"))), None);
    let both = py3.intersect(&from_38);
    assert_eq!(both.to_string(), ">=3.8, <4");
    assert!(both.allows_series(&v("3.13")) && !both.allows_series(&v("3.7")));
    assert!(!both.allows_series(&v("4")));
    let not_310 = Ranges::series(&v("3.10")).complement();
    assert_eq!(not_310.to_string(), "<3.10 || >=3.11");
    let set = both.intersect(&not_310);
    assert!(set.allows_series(&v("3.9")) && !set.allows_series(&v("3.10")));
    assert_eq!(set.union(&Ranges::series(&v("3.10"))), both);
    assert!(Ranges::all().complement().is_empty());
    assert!(Ranges::none().complement().is_all());
    assert!(Ranges::exactly(v("3.9")).contains(&v("3.9.0")));
    assert!(!Ranges::between(v("3.8"), v("3.9")).contains(&v("3.9")));
}

#[test]
fn an_open_interval_is_empty_only_when_its_ends_meet() {
    let above = Ranges::interval(Some(excl(v("3.9"))), None);
    // `>3.9` still allows 3.9.1: the series 3.9 is allowed.
    assert!(above.allows_series(&v("3.9")));
    let below = Ranges::interval(None, Some(excl(v("3.9"))));
    assert!(below.intersect(&above).is_empty());
    assert!(!below.contains(&v("3.9")) && below.contains(&v("3.8.99")));
}

#[test]
fn distance_counts_series_steps() {
    let from_314 = Ranges::interval(Some(incl(v("3.14"))), None);
    assert_eq!(from_314.distance(&v("3.13")), 1);
    assert_eq!(from_314.distance(&v("3.11")), 3);
    assert_eq!(from_314.distance(&v("3.14")), 0);
    let below_39 = Ranges::interval(None, Some(excl(v("3.9"))));
    assert_eq!(below_39.distance(&v("3.9")), 1);
    assert_eq!(below_39.distance(&v("3.11")), 3);
    let node = Ranges::between(v("22"), v("23"));
    assert!(node.distance(&v("20")) < node.distance(&v("18")));
    assert_eq!(Ranges::none().distance(&v("3.9")), u64::MAX);
}
