package io.keyport;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class KeyportApplication {

	public static void main(String[] args) {
		SpringApplication.run(KeyportApplication.class, args);
	}

}
