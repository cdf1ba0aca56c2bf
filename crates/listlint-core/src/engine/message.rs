//! Message templates: a rule's `message` with `{placeholder}`s, parsed once
//! when the pack is compiled and filled in per finding.

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Placeholder(String),
}

/// A parsed message template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageTemplate {
    parts: Vec<Part>,
}

impl MessageTemplate {
    /// Parses `{name}` placeholders; a `{` without a closing `}` is text.
    pub fn parse(template: &str) -> Self {
        let mut parts = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else { break };
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_owned()));
            }
            parts.push(Part::Placeholder(after[..close].to_owned()));
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        Self { parts }
    }

    /// The placeholder names the template uses, in order.
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Placeholder(name) => Some(name.as_str()),
            Part::Text(_) => None,
        })
    }

    /// The template's own text, placeholders left out (what says which
    /// language the messages are written in).
    pub fn literal_text(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Text(text) => Some(text.as_str()),
            Part::Placeholder(_) => None,
        })
    }

    /// Fills in the placeholders; `value(name)` gives each one's text.
    pub fn render<'a>(&self, value: impl Fn(&str) -> &'a str) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Placeholder(name) => out.push_str(value(name)),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_renders_placeholders() {
        let t = MessageTemplate::parse("「{term}」出现在 {field}{");
        assert_eq!(t.placeholders().collect::<Vec<_>>(), ["term", "field"]);
        let rendered = t.render(|name| if name == "term" { "最好" } else { "title" });
        assert_eq!(rendered, "「最好」出现在 title{");
    }
}
