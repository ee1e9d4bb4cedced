//! The report end to end, from the sample run (`sample`: runner outputs under `tests/fixtures/runner-out`):
//! what `collect` reads from them (`collect_fixtures`), the files `ato run` writes (`files`), hostile and huge
//! results (`rendering`), and snapshots of everything ato shows a reviewer (`snapshots`: the comment, the check
//! run, the HTML page; reviewed with `cargo insta review`, see `tests/report/snapshots/`).

mod browser;
mod collect_fixtures;
mod files;
mod rendering;
mod sample;
mod snapshots;
