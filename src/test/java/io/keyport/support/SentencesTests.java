package io.keyport.support;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SentencesTests {

	@Test
	void sentenceIsCapitalisedAndEndsWithAPeriodOnce() {
		assertThat(Sentences.sentence("expected 32 bytes")).isEqualTo("Expected 32 bytes.");
		assertThat(Sentences.sentence("Retry later.")).isEqualTo("Retry later.");
	}

	@Test
	void controlCharactersOfAQuotedCallerValueBecomeQuestionMarks() {
		// a key id with a carriage return, as a random request body sent it
		assertThat(Sentences.sentence("Key '{z\rV?4' does not exist.")).isEqualTo("Key '{z?V?4' does not exist.");
		assertThat(Sentences.sentence("Key 'a\tb\u0000c\nd' does not exist"))
			.isEqualTo("Key 'a?b?c?d' does not exist.");
	}

	@Test
	void listsArePlainCommaSeparatedWords() {
		assertThat(Sentences.list(List.of("AES_256", "HMAC_256"))).isEqualTo("AES_256, HMAC_256");
	}

}
