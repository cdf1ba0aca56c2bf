//! Shell completions, the man page, `--output-format` and colour forced
//! through the environment, through the binary.

mod common;

use common::{listlint, run};

#[test]
fn completions_for_every_shell_name_the_subcommands_and_flags() {
    for (shell, marker) in [
        ("bash", "_listlint()"),
        ("zsh", "#compdef listlint"),
        ("fish", "complete -c listlint"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[listlint]"),
    ] {
        let (code, out, stderr) = run(listlint().args(["completions", shell]));
        assert_eq!(code, 0, "{shell}: {stderr}");
        assert!(
            out.contains(marker),
            "{shell}: {}",
            &out[..out.len().min(300)]
        );
        for word in ["check", "explain", "--max-record-bytes", "--output-format"] {
            assert!(out.contains(word), "{shell} lacks {word}");
        }
    }
    let (code, _, stderr) = run(listlint().args(["completions", "tcsh"]));
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn man_page_has_a_page_per_subcommand_with_its_options() {
    let (code, out, stderr) = run(listlint().arg("man"));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        out.starts_with(".ie") || out.contains(".TH listlint 1"),
        "{}",
        &out[..200]
    );
    for page in [
        "listlint",
        "listlint-check",
        "listlint-rules",
        "listlint-explain",
    ] {
        assert!(out.contains(&format!(".TH {page} 1")), "no page {page}");
    }
    assert!(
        out.contains("\\-\\-max\\-document\\-bytes"),
        "check's options are on its page"
    );
}

#[test]
fn output_format_is_an_alias_of_format() {
    let (code, by_format, _) =
        run(listlint().args(["check", "--format", "jsonl", "fixtures/listings.csv"]));
    assert_eq!(code, 1);
    let (code, by_alias, _) =
        run(listlint().args(["check", "--output-format", "jsonl", "fixtures/listings.csv"]));
    assert_eq!(code, 1);
    assert_eq!(by_format, by_alias);
}

#[test]
fn force_color_and_clicolor_force_colour_a_piped_report_unless_no_color() {
    let coloured = |vars: &[(&str, &str)]| {
        let mut cmd = listlint();
        cmd.env_remove("NO_COLOR")
            .env_remove("FORCE_COLOR")
            .env_remove("CLICOLOR_FORCE");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let (_, out, _) = run(cmd.args(["check", "fixtures/listings.csv"]));
        out.contains('\u{1b}')
    };
    assert!(!coloured(&[]));
    assert!(coloured(&[("FORCE_COLOR", "1")]));
    assert!(coloured(&[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(&[("FORCE_COLOR", "0")]));
    assert!(!coloured(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]));
}
