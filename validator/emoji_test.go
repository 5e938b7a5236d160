package validator

import "testing"

func TestSingleEmoji(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"😊": true, "❤️": true, "👍🏽": true, "👨‍👩‍👧‍👦": true, "🏳️‍🌈": true, "🇺🇸": true, "1️⃣": true, "#⃣": true, "*️⃣": true,
		"🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F": true, // the flag of Scotland, a tag sequence
		"©️": true, "‼️": true,
		"": false, "love": false, "😊😊": false, "🇺🇸😊": false, "😊🇺🇸": false, "🇺": false, "🇺🇸🇫🇷": false,
		"1": false, "1️⃣2️⃣": false, "😊\u200d": false, "\u200d😊": false, "🏽": false, "\ufe0f": false, "a😊": false, "😊a": false,
	} {
		if got := singleEmoji(s); got != want {
			t.Errorf("singleEmoji(%q) = %v, want %v", s, got, want)
		}
	}
}
