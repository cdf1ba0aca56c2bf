//! The hostile corpus through the binary, in every output format: no panic,
//! no crash, an exit status of 0, 1 or 2, and memory within a fixed bound
//! (the largest resident size of any child process, from `getrusage`).

mod common;
mod hostile;

use common::listlint;

/// The most memory one run over one small hostile file may take.
const MAX_RSS_KIB: i64 = 512 * 1024;

/// The largest resident set of any finished child process, in KiB.
fn children_max_rss_kib() -> i64 {
    // SAFETY: getrusage only writes into the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let status = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(status, 0, "getrusage failed");
    usage.ru_maxrss
}

#[test]
fn hostile_files_never_crash_the_binary_or_exhaust_memory() {
    let dir = tempfile::tempdir().unwrap();
    for seed in hostile::corpus() {
        let path = dir.path().join(seed.name);
        std::fs::write(&path, &seed.bytes).unwrap();
        for format in [
            "human", "json", "jsonl", "sarif", "github", "junit", "html", "xlsx", "csv",
        ] {
            let output = listlint()
                .arg("check")
                .arg(&path)
                .args(["--format", format, "--color", "always"])
                .args(seed.args)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                matches!(output.status.code(), Some(0..=2)),
                "{} as {format}: {:?}\n{stderr}",
                seed.name,
                output.status
            );
            assert!(!stderr.contains("panicked"), "{}: {stderr}", seed.name);
            let rss = children_max_rss_kib();
            assert!(
                rss <= MAX_RSS_KIB,
                "{} as {format}: peak RSS {rss} KiB so far",
                seed.name
            );
        }
    }
}

#[test]
fn hostile_packs_are_usage_errors_or_valid_never_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let listings = dir.path().join("l.jsonl");
    std::fs::write(&listings, "{\"id\":\"1\",\"title\":\"最好\"}\n").unwrap();
    for seed in hostile::packs() {
        let packs = dir.path().join("packs");
        std::fs::create_dir_all(&packs).unwrap();
        let path = packs.join(seed.name);
        std::fs::write(&path, &seed.bytes).unwrap();
        for command in [
            vec!["check", "--rules"],
            vec!["rules", "validate"],
            vec!["rules", "test"],
        ] {
            let mut cmd = listlint();
            cmd.args(&command).arg(&path);
            if command[0] == "check" {
                cmd.arg(&listings);
            }
            let output = cmd.output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                matches!(output.status.code(), Some(0..=2)),
                "{} with {command:?}: {:?}\n{stderr}",
                seed.name,
                output.status
            );
            assert!(!stderr.contains("panicked"), "{}: {stderr}", seed.name);
            assert!(
                !stderr.contains("root:"),
                "{}: a file that is not a pack was echoed: {stderr}",
                seed.name
            );
        }
        std::fs::remove_file(&path).unwrap();
    }
    assert!(children_max_rss_kib() <= MAX_RSS_KIB);
}
