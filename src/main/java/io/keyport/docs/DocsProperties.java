package io.keyport.docs;

import java.net.URI;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The interactive API documentation (Swagger UI, switched by
 * {@code springdoc.swagger-ui.enabled}).
 *
 * @param tokenUrl the token endpoint Swagger UI's client-credentials flow (and the
 * document's {@code oauth2} security scheme) names; unset means the
 * {@code token_endpoint} of the issuer's metadata, or {@code <issuer>/oauth2/token} when
 * that cannot be read
 */
@ConfigurationProperties("keyport.docs")
public record DocsProperties(URI tokenUrl) {
}
