package io.keyport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTests {
	@Test
	void embeddedPostgresStarts() throws Exception {
		try (var pg = EmbeddedPostgres.builder().start(); var c = pg.getPostgresDatabase().getConnection();
				ResultSet rs = c.createStatement().executeQuery("select version()")) {
			rs.next();
			assertThat(rs.getString(1)).contains("PostgreSQL 17");
		}
	}
}
