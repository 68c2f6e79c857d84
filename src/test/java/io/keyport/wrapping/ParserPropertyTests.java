package io.keyport.wrapping;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Random and mutated input to the material and key parsers: they refuse with a {@link WrappingException} (a 4xx in
 * the API) and never with anything else.
 */
class ParserPropertyTests {

	final KeyMaterialWrapper wrapper = KeyMaterialWrapper.standard();

	@Property(tries = 2000)
	void wrappingKeyParserRefusesGarbageOnlyWithWrappingException(@ForAll @Size(max = 700) byte[] der) {
		Throwable thrown = catchThrowable(() -> WrappingPublicKey.fromDer(der));
		assertThat(thrown).isInstanceOf(WrappingException.class);
		assertThat(((WrappingException) thrown).reason()).isEqualTo(WrappingException.Reason.INVALID_WRAPPING_KEY);
	}

	@Property(tries = 3000)
	void materialCheckRefusesGarbageOnlyWithWrappingException(@ForAll @Size(max = 2500) byte[] material,
			@ForAll("importable") KeySpec keySpec) {
		Throwable thrown = catchThrowable(
				() -> this.wrapper.checkMaterial(KeyMaterial.takeOwnership(material.clone()), keySpec));
		if (thrown != null) {
			assertThat(thrown).isInstanceOf(WrappingException.class);
			assertThat(((WrappingException) thrown).reason().code()).isNotBlank();
		}
	}

	@Provide
	Arbitrary<KeySpec> importable() {
		return Arbitraries.of(KeySpec.values()).filter(k -> k.kind() != KeySpec.Kind.NOT_IMPORTABLE);
	}

}
