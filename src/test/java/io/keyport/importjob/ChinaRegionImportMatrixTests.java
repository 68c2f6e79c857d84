package io.keyport.importjob;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.web.server.LocalServerPort;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ChinaRegionIntegrationTest;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

/**
 * The same matrix with the service configured for cn-north-1: 16-byte SYMMETRIC_DEFAULT,
 * SM2 keys, no RSA_AES_KEY_WRAP, SM2PKE with the SM2 wrapping key for RSA, ECC and SM2
 * private keys.
 */
class ChinaRegionImportMatrixTests extends ChinaRegionIntegrationTest {

	@LocalServerPort
	int port;

	ImportMatrix matrix;

	@BeforeEach
	void matrix() {
		this.matrix = new ImportMatrix(new ApiClient(this.port), this.emulator, true);
	}

	@ParameterizedTest(name = "{0} with {1} under {2}")
	@MethodSource("io.keyport.importjob.ImportMatrix#cells")
	void cellImportsEndToEndOrIsRefusedWithItsDocumentedCode(KeySpec keySpec, WrappingAlgorithm algorithm,
			WrappingKeySpec wrappingKeySpec) {
		this.matrix.check(keySpec, algorithm, wrappingKeySpec);
	}

}
