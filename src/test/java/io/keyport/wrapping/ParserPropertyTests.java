package io.keyport.wrapping;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.keyport.testsupport.RandomInputs;
import io.keyport.testsupport.SeededTries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Random input to the material and key parsers: they refuse with a
 * {@link WrappingException} (a 4xx in the API) and never with anything else. Seeded tries
 * ({@link SeededTries}): a failure names the seed that replays it.
 */
class ParserPropertyTests {

	static final List<KeySpec> IMPORTABLE = Arrays.stream(KeySpec.values())
		.filter(k -> k.kind() != KeySpec.Kind.NOT_IMPORTABLE)
		.toList();

	final WrapCalls wrapper = new WrapCalls();

	@Test
	void wrappingKeyParserRefusesRandomBytesAlwaysAsInvalidWrappingKey() {
		SeededTries.run(2000, random -> {
			byte[] der = RandomInputs.bytes(random, 700);
			Throwable thrown = catchThrowable(() -> WrappingPublicKey.fromDer(der));
			assertThat(thrown).as("%d random bytes as a wrapping key", der.length)
				.isInstanceOf(WrappingException.class);
			assertThat(((WrappingException) thrown).reason()).isEqualTo(WrappingException.Reason.INVALID_WRAPPING_KEY);
		});
	}

	@Test
	void materialCheckOfRandomBytesPassesOrRefusesOnlyWithACodedWrappingException() {
		SeededTries.run(3000, random -> {
			byte[] material = RandomInputs.bytes(random, 2500);
			KeySpec keySpec = RandomInputs.oneOf(random, IMPORTABLE);
			Throwable thrown = catchThrowable(
					() -> this.wrapper.checkMaterial(KeyMaterial.takeOwnership(material.clone()), keySpec));
			if (thrown != null) {
				assertThat(thrown).as("%d random bytes as %s material", material.length, keySpec)
					.isInstanceOf(WrappingException.class);
				assertThat(((WrappingException) thrown).reason().code()).isNotBlank();
			}
		});
	}

}
