package io.keyport.security;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import io.keyport.emulator.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The verified-token cache in front of a real Nimbus decoder (RS256 tokens signed here):
 * a token verified once is not verified again within the TTL, never after its own expiry,
 * and nothing that failed verification is remembered.
 */
class VerifiedTokensTests {

	private static KeyPair signing;

	private static KeyPair otherSigning;

	private final MutableClock clock = new MutableClock(Instant.now());

	private final AtomicInteger verifications = new AtomicInteger();

	private VerifiedTokens tokens;

	@BeforeAll
	static void keys() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		signing = generator.generateKeyPair();
		otherSigning = generator.generateKeyPair();
	}

	@BeforeEach
	void decoder() {
		JwtDecoder nimbus = NimbusJwtDecoder.withPublicKey((RSAPublicKey) signing.getPublic()).build();
		JwtDecoder counting = token -> {
			this.verifications.incrementAndGet();
			return nimbus.decode(token);
		};
		this.tokens = new VerifiedTokens(counting, this.clock, Duration.ofSeconds(60), 3);
	}

	@Test
	void tokenVerifiedOnceIsAcceptedAgainWithinTheTtlWithoutAnotherVerification() throws Exception {
		String token = token(signing, Instant.now().plusSeconds(600));

		Jwt first = this.tokens.decode(token);
		this.clock.advance(Duration.ofSeconds(59));
		Jwt second = this.tokens.decode(token);

		assertThat(second).isSameAs(first);
		assertThat(second.getSubject()).isEqualTo("platform-a");
		assertThat(this.verifications).hasValue(1);
	}

	@Test
	void tokenIsVerifiedAgainOnceTheTtlPassed() throws Exception {
		String token = token(signing, Instant.now().plusSeconds(600));
		this.tokens.decode(token);

		this.clock.advance(Duration.ofSeconds(60));
		this.tokens.decode(token);

		assertThat(this.verifications).hasValue(2);
	}

	@Test
	void cachedTokenIsNotAcceptedAfterItsOwnExpiry() throws Exception {
		// expires within the TTL: remembered only until then, then verified (and refused)
		String token = token(signing, Instant.now().plusSeconds(10));
		this.tokens.decode(token);
		this.clock.advance(Duration.ofSeconds(11));

		// the real decoder's clock has not moved: it still accepts, so the second
		// verification proves the cache let go at exp
		this.tokens.decode(token);

		assertThat(this.verifications).hasValue(2);
	}

	@Test
	void tokenThatFailsVerificationIsNeverRemembered() throws Exception {
		String forged = token(otherSigning, Instant.now().plusSeconds(600));

		assertThatExceptionOfType(JwtException.class).isThrownBy(() -> this.tokens.decode(forged));
		assertThatExceptionOfType(JwtException.class).isThrownBy(() -> this.tokens.decode(forged));
		assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> this.tokens.decode("not.a.token"));

		assertThat(this.verifications).hasValue(3);
		assertThat(this.tokens.size()).isZero();
	}

	@Test
	void theCacheStaysWithinItsSize() throws Exception {
		for (int i = 0; i < 10; i++) {
			this.tokens.decode(token(signing, Instant.now().plusSeconds(600 + i)));
		}

		assertThat(this.tokens.size()).isLessThanOrEqualTo(3);
	}

	private static String token(KeyPair key, Instant expiresAt) throws Exception {
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).build(),
				new JWTClaimsSet.Builder().subject("platform-a")
					.claim("tenant", "tenant-a")
					.issueTime(new Date())
					.expirationTime(Date.from(expiresAt))
					.build());
		jwt.sign(new RSASSASigner(key.getPrivate()));
		return jwt.serialize();
	}

}
