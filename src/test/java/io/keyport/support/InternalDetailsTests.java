package io.keyport.support;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InternalDetailsTests {

	@Test
	void keyportsPrincipalsAndEndpointsAreReplacedWhileKeyArnsAndKmssWordsStay() {
		String text = "User: arn:aws:sts::444455556666:assumed-role/keyport/s-1 is not authorized to perform: "
				+ "kms:ImportKeyMaterial on resource: arn:aws:kms:eu-west-1:111122223333:key/k-1; could not assume role "
				+ "arn:aws-cn:iam::999988887777:role/keyport-import, endpoint https://kms.internal:4566/x";
		assertThat(InternalDetails.redacted(text)).isEqualTo("User: [Keyport's AWS principal] is not authorized to "
				+ "perform: kms:ImportKeyMaterial on resource: arn:aws:kms:eu-west-1:111122223333:key/k-1; could not "
				+ "assume role [Keyport's AWS principal], endpoint [KMS endpoint]");
	}

	@Test
	void keyportsOwnSentencesAndNullPassUnchanged() {
		String sentence = "refresh the parameters (POST /api/v1/import-jobs/1/refresh-parameters) and upload again";
		assertThat(InternalDetails.redacted(sentence)).isEqualTo(sentence);
		assertThat(InternalDetails.redacted(null)).isNull();
	}

}
