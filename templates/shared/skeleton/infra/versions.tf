terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
    vault = {
      source  = "hashicorp/vault"
      version = "~> 5.0"
    }
  }

  # Remote state in the environment's state bucket, with S3-native locking.
  # The bucket, key and region come from environments/<env>.s3.tfbackend:
  #   terraform init -backend-config=environments/dev.s3.tfbackend
  backend "s3" {}
}
