package io.keyport.openapi;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.keyport.web.ProblemTitles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Titles are stable per code and human: one title per code from the one source the
 * responses and the document share, with KMS and ID written as acronyms.
 */
class ProblemTitlesTests {

	@Test
	void theDocumentAndTheResponsesShareOneTitlePerCode() {
		Map<String, String> codeByTitle = new HashMap<>();
		for (String code : ProblemCatalog.CODES.keySet()) {
			String title = ProblemTitles.title(code);
			assertThat(ProblemCatalog.title(code)).isEqualTo(title);
			assertThat(Character.isUpperCase(title.codePointAt(0)) || title.startsWith("validTo")).as(code).isTrue();
			assertThat(title).as(code).doesNotContainPattern("\\bkms\\b|\\bKms\\b|\\bid\\b").doesNotEndWith(".");
			assertThat(codeByTitle.put(title, code)).as("title %s of %s is unique", title, code).isNull();
		}
	}

	@Test
	void titlesReadAsWordsWithAcronyms() {
		assertThat(ProblemTitles.title("kms-key-not-found")).isEqualTo("KMS key not found");
		assertThat(ProblemTitles.title("unknown-kms-target")).isEqualTo("Unknown KMS target");
		assertThat(ProblemTitles.title("invalid-base64")).isEqualTo("Invalid base64");
		assertThat(ProblemTitles.title("job-busy")).isEqualTo("Job busy");
		assertThat(ProblemTitles.title("kms-invalid-ciphertext")).isEqualTo("KMS could not unwrap the material");
	}

}
