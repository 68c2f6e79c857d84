package io.keyport.web;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Request times are RFC 3339 date-times and nothing else (found by
 * {@code ApiInputPropertyTests}: a trailing space was accepted).
 */
class Rfc3339InstantsTests {

	private final JsonMapper json = JsonMapper.builder()
		.addModule(new Rfc3339Instants().rfc3339InstantModule())
		.build();

	record Holder(Instant at) {
	}

	private Instant read(String value) {
		return this.json.readValue("{\"at\":" + value + "}", Holder.class).at();
	}

	@Test
	void rfc3339DateTimesAreReadWithTheirOffsetAndFraction() {
		assertThat(read("\"2027-01-01T00:00:00Z\"")).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
		assertThat(read("\"2027-01-01t00:00:00z\"")).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
		assertThat(read("\"2027-01-01T01:00:00+01:00\"")).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
		assertThat(read("\"2026-12-31T19:00:00.123456789-05:00\""))
			.isEqualTo(Instant.parse("2027-01-01T00:00:00.123456789Z"));
		assertThat(read("null")).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "2027-01-01T00:00:00Z ", " 2027-01-01T00:00:00Z", "2027-01-01T00:00Z", "2027-01-01",
			"2027-01-01 00:00:00Z", "2027-01-01T00:00:00", "2027-01-01T00:00:00+0100", "2027-01-01T00:00:00,5Z",
			"2027-01-01T00:00:00.1234567890Z", "2027-02-30T00:00:00Z", "2027-01-01T24:00:00Z", "+2027-01-01T00:00:00Z",
			"" })
	void anythingElseIsRefusedAsAMalformedValue(String value) {
		assertThatExceptionOfType(InvalidFormatException.class).isThrownBy(() -> read("\"" + value + "\""))
			.satisfies(ex -> assertThat(ex.getPath()).singleElement()
				.satisfies(ref -> assertThat(ref.getPropertyName()).isEqualTo("at")));
	}

	@Test
	void epochNumbersAreRefusedToo() {
		assertThatExceptionOfType(MismatchedInputException.class).isThrownBy(() -> read("1798761600"));
		assertThatExceptionOfType(MismatchedInputException.class).isThrownBy(() -> read("[]"));
	}

}
