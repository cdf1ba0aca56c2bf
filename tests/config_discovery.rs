//! Finding `listlint.yaml`: the search stops at the repository root or the
//! home folder, and passes over files another user could have put or
//! changed, saying so; `check -v` names the config used.

mod common;

use std::fs;
use std::path::Path;

use common::{listlint_in, run};

const LISTINGS: &str = "id,title\nA,全网第一 保温杯\n";

/// A config that would make the run pass whatever it finds.
const LENIENT: &str = "fail_on: never\n";

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// `check -v l.csv` in `dir` with `HOME` set to `home`: (code, stderr).
fn check_in(dir: &Path, home: &Path) -> (i32, String) {
    let (code, _, stderr) = run(listlint_in(dir)
        .env("HOME", home)
        .args(["check", "-v", "--format", "jsonl", "l.csv"]));
    (code, stderr)
}

#[test]
fn the_search_stops_at_the_repository_root() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    write(&dir.path().join("listlint.yaml"), LENIENT);
    fs::create_dir_all(repo.join(".git")).unwrap();
    write(&repo.join("sub/l.csv"), LISTINGS);
    let (code, stderr) = check_in(&repo.join("sub"), dir.path());
    assert_eq!(
        code, 1,
        "the config above the repository is not used: {stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "config: none (no usable listlint.yaml from {} up to {})",
            repo.join("sub").canonicalize().unwrap().display(),
            repo.canonicalize().unwrap().display()
        )),
        "{stderr}"
    );
    // The repository's own config is found from below, and named with -v.
    write(&repo.join("listlint.yaml"), LENIENT);
    let (code, stderr) = check_in(&repo.join("sub"), dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "config: {}",
            repo.canonicalize().unwrap().join("listlint.yaml").display()
        )),
        "{stderr}"
    );
    // A worktree's `.git` is a file; it marks the root as well.
    fs::remove_dir_all(repo.join(".git")).unwrap();
    fs::remove_file(repo.join("listlint.yaml")).unwrap();
    write(&repo.join(".git"), "gitdir: /elsewhere\n");
    let (code, stderr) = check_in(&repo.join("sub"), dir.path());
    assert_eq!(code, 1, "{stderr}");
}

#[test]
fn the_search_stops_at_the_home_folder() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    write(&dir.path().join("listlint.yaml"), LENIENT);
    write(&home.join("project/l.csv"), LISTINGS);
    let (code, stderr) = check_in(&home.join("project"), &home.canonicalize().unwrap());
    assert_eq!(
        code, 1,
        "the config above the home folder is not used: {stderr}"
    );
    assert!(stderr.contains("config: none"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_config_anyone_may_write_is_ignored_with_a_note() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join(".git")).unwrap();
    write(&dir.path().join("l.csv"), LISTINGS);
    let config = dir.path().join("listlint.yaml");
    write(&config, LENIENT);
    fs::set_permissions(&config, fs::Permissions::from_mode(0o666)).unwrap();
    let (code, stderr) = check_in(dir.path(), dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("note: ignoring config file")
            && stderr.contains("listlint.yaml: every user may write to it"),
        "{stderr}"
    );
    // `rules list` and `waivers list` search the same way.
    let (code, _, stderr) = run(listlint_in(dir.path())
        .env("HOME", dir.path())
        .args(["waivers", "list"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("every user may write to it"), "{stderr}");
    assert!(stderr.contains("no listlint.yaml found"), "{stderr}");
    // Given explicitly, it is the user's choice.
    let (code, _, stderr) =
        run(listlint_in(dir.path()).args(["check", "--config", "listlint.yaml", "l.csv"]));
    assert_eq!(code, 0, "{stderr}");
}

#[cfg(unix)]
#[test]
fn another_users_config_is_ignored_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join(".git")).unwrap();
    write(&dir.path().join("l.csv"), LISTINGS);
    let config = dir.path().join("listlint.yaml");
    write(&config, LENIENT);
    if std::os::unix::fs::chown(&config, Some(4242), None).is_err() {
        // Only root can give a file away; the check is the same code path
        // as the world-writable one above.
        eprintln!("not root: cannot make a file owned by another user");
        return;
    }
    let (code, stderr) = check_in(dir.path(), dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("listlint.yaml: it belongs to another user (uid 4242"),
        "{stderr}"
    );
}
