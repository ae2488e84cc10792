Gem::Specification.new { |s|
  s.name = %Q[pre]
  s.version = "7.1.0.beta1".freeze
  s.version == "ignored"
}
