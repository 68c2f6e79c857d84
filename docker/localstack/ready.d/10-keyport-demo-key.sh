#!/bin/bash
# LocalStack READY hook: a KMS key with origin EXTERNAL (PendingImport) behind alias/keyport-demo, for the Compose demo.
# Idempotent, so it is harmless when LocalStack keeps state between restarts (PERSISTENCE=1).
set -euo pipefail

region="${KEYPORT_DEMO_REGION:-us-east-1}"
alias_name="alias/keyport-demo"

if awslocal kms describe-key --region "$region" --key-id "$alias_name" >/dev/null 2>&1; then
  echo "keyport-demo: $alias_name already exists"
  exit 0
fi

key_id="$(awslocal kms create-key --region "$region" --origin EXTERNAL --description keyport-demo \
  --query KeyMetadata.KeyId --output text)"
awslocal kms create-alias --region "$region" --alias-name "$alias_name" --target-key-id "$key_id"
echo "keyport-demo: created $key_id as $alias_name in $region"
