package io.keyport.testsupport;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.keyport.kms.KmsErrorCode;
import io.keyport.kms.KmsException;

import static org.assertj.core.api.Assertions.assertThat;

/** The rule every problem the suite receives is held to, on its own. */
class ProblemWordingTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void acceptsASentenceWithQuotedFieldsAndAPlainList() {
		assertThat(ProblemWording.detailViolations(
				"Field 'keySpec' must be one of AES_256, HMAC_256. Key 'alias/[x]' was given at byte 12."))
			.isEmpty();
	}

	@Test
	void acceptsACallersQuotedValueHoldingQuotesBracketsOrALongRun() {
		// random request bodies send key ids like these; Keyport quotes them back
		assertThat(ProblemWording.detailViolations("Key 'a'[b' does not exist.")).isEmpty();
		assertThat(ProblemWording.detailViolations("Key '" + "k".repeat(80) + "' does not exist.")).isEmpty();
		assertThat(ProblemWording.detailViolations("Key 'x' does not exist [y].")).isNotEmpty();
	}

	@Test
	void refusesFragmentsJavaListsTypeNamesAndExceptionText() {
		assertThat(ProblemWording.detailViolations("expiration.validTo must be in the future"))
			.contains("does not start with a capital letter", "does not end with a period");
		assertThat(ProblemWording.detailViolations("Field 'keySpec' must be one of [AES_256, HMAC_256]."))
			.containsExactly("has brackets or braces outside quotes (a Java list or a JSON echo)");
		assertThat(ProblemWording.detailViolations("Parameter 'since' must be a valid Instant."))
			.containsExactly("names a Java type, class or exception");
		assertThat(ProblemWording.detailViolations("Failed: java.lang.IllegalStateException: boom."))
			.contains("names a Java type, class or exception");
		assertThat(ProblemWording.detailViolations("Key null does not exist.")).containsExactly("says null");
	}

	@Test
	void refusesKmsMessagesRawTimestampsAndTokens() {
		assertThat(ProblemWording.detailViolations("KMS refused the import: Injected InvalidCiphertextException."))
			.contains("passes a KMS or SDK message through", "names a Java type, class or exception");
		assertThat(
				ProblemWording.detailViolations("Cannot import job 1 now; retry after 2026-11-27T13:05:09.123456789Z."))
			.containsExactly("has a timestamp with fractions of a second");
		assertThat(ProblemWording.detailViolations("The token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0 is not valid."))
			.containsExactly("has something that looks like a token or material");
	}

	@Test
	void refusesATitleThatIsNotTheTitleOfTheCode() {
		JsonNode derived = JSON.valueToTree(
				Map.of("code", "kms-key-not-found", "title", "Kms key not found", "detail", "Key 'k' does not exist."));
		assertThat(ProblemWording.violations(derived))
			.containsExactly("title 'Kms key not found' is not the title of kms-key-not-found: 'KMS key not found'");
		JsonNode right = JSON.valueToTree(
				Map.of("code", "kms-key-not-found", "title", "KMS key not found", "detail", "Key 'k' does not exist."));
		assertThat(ProblemWording.violations(right)).isEmpty();
	}

	@Test
	void everyKmsRefusalIsAnsweredInKeyportsOwnWordsNotKmssMessage() {
		for (KmsErrorCode code : KmsErrorCode.values()) {
			KmsException refusal = new KmsException(code, "ImportKeyMaterial",
					"1 validation error detected: Value at 'encryptedKeyMaterial' failed (Service: Kms, Request ID: x)",
					null);
			assertThat(refusal.detail()).as(code.name()).doesNotContain("validation error detected", "Request ID");
			assertThat(ProblemWording.detailViolations(refusal.detail())).as(code.name()).isEmpty();
		}
		assertThat(new KmsException(KmsErrorCode.INVALID_CIPHERTEXT, "ImportKeyMaterial", "raw", null).detail())
			.isEqualTo("KMS could not unwrap the encrypted key material. Check that it was wrapped with this job's "
					+ "wrapping key and algorithm.");
	}

}
