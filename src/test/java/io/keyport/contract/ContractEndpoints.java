package io.keyport.contract;

/**
 * Where a contract test context finds its database and KMS: the containers, or fixed
 * values in a test of the wiring.
 */
interface ContractEndpoints {

	String jdbcUrl();

	String databaseUser();

	String databasePassword();

	String kmsEndpoint();

	String kmsRegion();

}
