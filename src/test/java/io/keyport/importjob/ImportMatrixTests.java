package io.keyport.importjob;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.web.server.LocalServerPort;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

/**
 * Every cell of key spec × wrapping algorithm × wrapping key spec in a standard AWS
 * region, through the API into the emulator: importable cells import end to end, refused
 * cells give their documented code.
 */
class ImportMatrixTests extends IntegrationTest {

	@LocalServerPort
	int port;

	ImportMatrix matrix;

	@BeforeEach
	void matrix() {
		this.matrix = new ImportMatrix(new ApiClient(this.port), this.emulator, false);
	}

	@ParameterizedTest(name = "{0} with {1} under {2}")
	@MethodSource("io.keyport.importjob.ImportMatrix#cells")
	void cellImportsEndToEndOrIsRefusedWithItsDocumentedCode(KeySpec keySpec, WrappingAlgorithm algorithm,
			WrappingKeySpec wrappingKeySpec) {
		this.matrix.check(keySpec, algorithm, wrappingKeySpec);
	}

}
